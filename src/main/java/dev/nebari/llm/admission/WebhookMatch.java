package dev.nebari.llm.admission;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import java.util.List;

/**
 * Which writes the API server sends to the webhook at all, besides its rules (the chart's
 * ValidatingWebhookConfiguration says the same, and a test holds the two together).
 *
 * <p>An UPDATE that leaves the spec as it was is never reviewed: every check of an UPDATE is of what it changes in the
 * spec ({@link AdmissionRules}), so the webhook would allow it anyway. Such updates are the operator's finalizer,
 * labels and annotations: one admission call per model created, saved, and they go through while the webhook is
 * unreachable (with {@code failurePolicy: Fail}, a finalizer could otherwise not even be removed by hand).
 */
public final class WebhookMatch {

    public static final String SPEC_CHANGED = "spec-changed";
    /** Missing specs are reviewed rather than left to an evaluation error, which would fail the write. */
    public static final String SPEC_CHANGED_EXPRESSION = "request.operation != 'UPDATE' || !has(object.spec)"
            + " || !has(oldObject.spec) || object.spec != oldObject.spec";

    private WebhookMatch() {
    }

    public static List<MatchCondition> conditions() {
        return List.of(new MatchCondition(SPEC_CHANGED_EXPRESSION, SPEC_CHANGED));
    }
}
