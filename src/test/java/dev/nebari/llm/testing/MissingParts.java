package dev.nebari.llm.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a part it needs (binaries, upstream CRDs, a browser) is missing: on a contributor's
 * laptop it is skipped with a message saying what is missing; in CI ({@code CI=true}) it fails, so that a green
 * CI run means every test ran.
 */
public final class MissingParts {

    private MissingParts() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail("required test part missing (CI=true turns this skip into a failure): " + whatIsMissing);
        }
        Assumptions.abort("skipped, missing: " + whatIsMissing);
    }
}
