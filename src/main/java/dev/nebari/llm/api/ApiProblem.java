package dev.nebari.llm.api;

import org.springframework.http.ProblemDetail;

/** A refusal the API decides itself (not one from the keys module), carrying its problem type. */
final class ApiProblem extends RuntimeException {

    private final ProblemType type;

    ApiProblem(ProblemType type, String detail) {
        super(detail, null, false, false);
        this.type = type;
    }

    static ApiProblem modelNotFound(String namespace, String name) {
        return new ApiProblem(ProblemType.MODEL_NOT_FOUND, "There is no model " + namespace + "/" + name + ".");
    }

    ProblemDetail toProblemDetail() {
        return ProblemDetails.of(type, getMessage());
    }
}
