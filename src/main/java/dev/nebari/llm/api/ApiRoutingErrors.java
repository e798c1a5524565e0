package dev.nebari.llm.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Spring MVC's errors raised before a controller is chosen — no such path (404), a method (405) or a media type
 * (415) that no endpoint takes — carry no handler, so {@link ApiExceptionHandler}, which is limited to the API's
 * controllers, never sees them. Under {@code /api/} they become problem+json with our types as well; anywhere else
 * (the portal's pages) the exception is passed on to Spring's usual handling and error page.
 *
 * <p>A client that accepts none of our media types (406) gets problem+json all the same: the content type is set
 * here, which skips content negotiation; an empty body would leave it guessing why.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiRoutingErrors {

    static final String API_PREFIX = "/api/";

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class,
            HttpRequestMethodNotSupportedException.class, HttpMediaTypeNotSupportedException.class,
            HttpMediaTypeNotAcceptableException.class})
    ResponseEntity<Object> beforeAnyController(Exception e, HttpServletRequest request) throws Exception {
        if (!request.getRequestURI().startsWith(API_PREFIX)) {
            // Rethrowing the same exception tells Spring this advice does not take it: the next resolver answers.
            throw e;
        }
        var error = (ErrorResponse) e;
        return ResponseEntity.status(error.getStatusCode()).headers(error.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(ProblemDetails.withOurType(error.getBody(), error.getStatusCode()));
    }
}
