package dev.nebari.llm.admission;

import java.util.List;

/**
 * The answer to one admission request: allowed when nothing is rejected; warnings reach the client either way
 * ({@code kubectl} prints them).
 */
record AdmissionDecision(List<String> rejections, List<String> warnings) {

    AdmissionDecision {
        rejections = List.copyOf(rejections);
        warnings = List.copyOf(warnings);
    }

    boolean allowed() {
        return rejections.isEmpty();
    }

    /** All rejections in one message, which kubectl shows after "admission webhook ... denied the request:". */
    String message() {
        return String.join("; ", rejections);
    }
}
