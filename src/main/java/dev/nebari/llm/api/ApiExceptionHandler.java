package dev.nebari.llm.api;

import dev.nebari.llm.keys.KeyException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DatabindException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the API as {@code application/problem+json} with a stable {@link ProblemType}. Details are
 * written for the caller and never contain key material: key values never reach an exception (see
 * {@link KeyException}), and request bodies are not echoed.
 */
@RestControllerAdvice(basePackageClasses = ApiExceptionHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE) // before ApiRoutingErrors, which takes what no controller raised
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(KeyException.TooManyWrites.class)
    ResponseEntity<ProblemDetail> tooManyWrites(KeyException.TooManyWrites e) {
        return ResponseEntity.status(ProblemType.TOO_MANY_REQUESTS.status())
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .body(ProblemDetails.of(ProblemType.TOO_MANY_REQUESTS, e.getMessage()));
    }

    @ExceptionHandler(KeyException.class)
    ProblemDetail keyRefused(KeyException e) {
        return switch (e) {
            // a model the caller may not use answers exactly like one that does not exist
            case KeyException.ModelAccessDenied denied -> ApiProblem.modelNotAvailable(denied.model()).toProblemDetail();
            case KeyException.KeyLimitReached limit -> ProblemDetails.of(ProblemType.KEY_LIMIT_REACHED, limit.getMessage());
            case KeyException.InvalidLifetime lifetime -> ProblemDetails.of(ProblemType.INVALID_LIFETIME, lifetime.getMessage());
            case KeyException.InvalidRequest invalid -> ProblemDetails.of(ProblemType.INVALID_REQUEST, invalid.getMessage());
            // Someone else's key answers exactly like a missing one, detail included, so ids of other users' keys
            // cannot be probed.
            case KeyException.KeyNotFound notFound -> ProblemDetails.of(ProblemType.KEY_NOT_FOUND, SelfServiceController.NO_SUCH_KEY);
            case KeyException.NotKeyOwner notOwner -> ProblemDetails.of(ProblemType.KEY_NOT_FOUND, SelfServiceController.NO_SUCH_KEY);
            case KeyException.AdminOnly adminOnly -> ProblemDetails.of(ProblemType.ADMIN_ONLY, adminOnly.getMessage());
            case KeyException.TooManyWrites tooMany -> ProblemDetails.of(ProblemType.TOO_MANY_REQUESTS, tooMany.getMessage());
            case KeyException.StoreUnavailable unavailable -> {
                log.warn("Key store unavailable: {}", unavailable.getMessage());
                yield ProblemDetails.of(ProblemType.KEY_STORE_UNAVAILABLE, "The key store is not available; try again shortly.");
            }
        };
    }

    @ExceptionHandler(ApiProblem.class)
    ProblemDetail refused(ApiProblem e) {
        return e.toProblemDetail();
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var fields = requestFields(e.getBindingResult().getTarget());
        // A field constraint's message completes "The field x ..."; a rule across fields (an @AssertTrue method) is a
        // whole sentence (UserMessagesTest holds both to that).
        var detail = e.getBindingResult().getAllErrors().stream()
                .map(error -> error instanceof FieldError field && fields.contains(field.getField().split("[.\\[]")[0])
                        ? "The field " + field.getField() + " " + field.getDefaultMessage() + "."
                        : error.getDefaultMessage())
                .sorted()
                .collect(Collectors.joining(" "));
        return ResponseEntity.status(status).body(ProblemDetails.of(ProblemType.INVALID_REQUEST, detail));
    }

    /**
     * The request's own field names. A cross-field rule is checked on a method (e.g. {@code isExactlyOneTarget}),
     * which validation reports as a field named after it: that name is ours, not the client's, so it is left out.
     */
    private static Set<String> requestFields(@Nullable Object target) {
        if (target == null || !target.getClass().isRecord()) {
            return Set.of();
        }
        return Arrays.stream(target.getClass().getRecordComponents())
                .map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var detail = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> "The parameter "
                        + result.getMethodParameter().getParameterName() + " " + error.getDefaultMessage() + "."))
                .sorted()
                .collect(Collectors.joining(" "));
        return ResponseEntity.status(status).body(ProblemDetails.of(ProblemType.INVALID_REQUEST, detail));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // The parser's message may quote the body; name the field (if known) without it.
        var field = e.getMostSpecificCause() instanceof DatabindException databind
                ? databind.getPath().stream().map(reference -> reference.getPropertyName()).filter(java.util.Objects::nonNull)
                        .collect(Collectors.joining("."))
                : "";
        return ResponseEntity.status(status).body(ProblemDetails.of(ProblemType.INVALID_REQUEST,
                "The request body is not valid JSON of the expected shape" + (field.isEmpty() ? "" : " (at " + field + ")") + "."));
    }

    /** Spring MVC's own problems (wrong method, media type, ...) get our types instead of about:blank. */
    @Override
    protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return super.handleExceptionInternal(e, ProblemDetails.withOurType(body, status), headers, status, request);
    }

    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e) {
        log.error("Unexpected error in the REST API", e);
        return ProblemDetails.of(ProblemType.INTERNAL_ERROR, "An unexpected error occurred; the logs have the details.");
    }
}
