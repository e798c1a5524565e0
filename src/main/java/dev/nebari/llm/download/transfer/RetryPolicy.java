package dev.nebari.llm.download.transfer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a failing request is retried: exponential backoff with jitter, so replicas that
 * failed together (a Hub hiccup) do not retry in lock step.
 *
 * @param attempts consecutive failures tolerated without progress before giving up
 */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay) {

    public RetryPolicy {
        if (attempts < 0 || initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("invalid retry policy");
        }
    }

    /** Delay before retry number {@code failure} (1-based): half fixed, half random, doubling each time. */
    public Duration delayBefore(int failure) {
        long base = initialDelay.toMillis() << Math.min(failure - 1, 20);
        long capped = Math.min(base, maxDelay.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }
}
