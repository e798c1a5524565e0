package dev.nebari.llm.api;

import dev.nebari.llm.keys.ModelRef;
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

    /**
     * A model the caller asked to use that does not exist or that they may not use: the two answer alike, so which
     * models exist beyond the caller's own cannot be learned (the portal tells the same story).
     */
    static ApiProblem modelNotAvailable(ModelRef model) {
        return new ApiProblem(ProblemType.MODEL_NOT_FOUND, "The model " + model + " is not available to you: it does not "
                + "exist, or your groups do not include it (GET /api/v1/models lists yours).");
    }

    ProblemDetail toProblemDetail() {
        return ProblemDetails.of(type, getMessage());
    }
}
