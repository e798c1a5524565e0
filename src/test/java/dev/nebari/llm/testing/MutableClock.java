package dev.nebari.llm.testing;

import java.time.Duration;
import java.time.Instant;

/** A clock that tests move forward by hand, to age certificates, keys or leases without waiting. */
public final class MutableClock extends UtcTestClock {

    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public static MutableClock startingNow() {
        return new MutableClock(Instant.now());
    }

    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
