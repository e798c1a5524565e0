package dev.nebari.llm.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * The system clock, shifted while a test does one thing at another time: an application that otherwise runs in real
 * time (sessions, rate limits, tokens) mints a key "25 days ago", so that it is about to expire now. Unlike
 * {@link MutableClock} it keeps ticking, so the application's other users of the clock see time pass.
 */
public final class OffsetClock extends UtcTestClock {

    private volatile Duration offset = Duration.ZERO;

    /** Runs {@code action} with the clock shifted by {@code shift} (negative: in the past), then shifts it back. */
    public <T> T shifted(Duration shift, Callable<T> action) throws Exception {
        offset = shift;
        try {
            return action.call();
        } finally {
            offset = Duration.ZERO;
        }
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }
}
