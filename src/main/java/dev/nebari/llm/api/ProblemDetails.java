package dev.nebari.llm.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the problem details of {@link ProblemType}s, for controllers and for the security filters alike. */
final class ProblemDetails {

    private ProblemDetails() {
    }

    static ProblemDetail of(ProblemType type, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
        problem.setType(type.type());
        problem.setTitle(type.title());
        return problem;
    }

    /** A problem Spring MVC built for its own errors, with our type and title instead of {@code about:blank}. */
    static @Nullable Object withOurType(@Nullable Object body, HttpStatusCode status) {
        // Spring 7 leaves the type unset (null) where Spring 6 said about:blank; either way it is not one of ours.
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
            var type = ProblemType.forStatus(status.value());
            problem.setType(type.type());
            problem.setTitle(type.title());
        }
        return body;
    }

    /**
     * The same fields as a plain map: the security filters write their responses before Spring MVC, without its
     * converters (and their ProblemDetail mix-in), so they serialise this instead.
     */
    static Map<String, Object> asMap(ProblemDetail problem) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("type", problem.getType().toString());
        fields.put("title", problem.getTitle());
        fields.put("status", problem.getStatus());
        fields.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            fields.put("instance", problem.getInstance().toString());
        }
        return fields;
    }
}
