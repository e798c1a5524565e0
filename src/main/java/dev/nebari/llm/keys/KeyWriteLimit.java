package dev.nebari.llm.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/**
 * How often one user may mint or revoke keys: a token bucket per subject holding {@code keys.writesPerMinute}
 * writes, refilled evenly over a minute. Each write rewrites a key Secret and the gateway's view of it, so a script
 * in a loop must not be able to keep the API server and Envoy busy. Admins and the pack itself are not limited
 * (bulk revocations are one call). Buckets of users idle for two minutes are full again and are forgotten; the
 * number kept is bounded, so many distinct subjects cannot exhaust memory.
 */
final class KeyWriteLimit {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Clock clock;
    private final Cache<String, Bucket> buckets;

    KeyWriteLimit(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(WINDOW.multipliedBy(2)).maximumSize(100_000).build();
    }

    /** Takes one write from the actor's bucket, or refuses with the time until one is available again. */
    void acquire(Actor actor) {
        if (actor.role() != Actor.Role.USER) {
            return;
        }
        var now = clock.millis();
        var bucket = buckets.get(actor.subject(), subject -> new Bucket(perMinute, now));
        var waitMillis = bucket.take(perMinute, now);
        if (waitMillis > 0) {
            throw new KeyException.TooManyWrites(perMinute, Duration.ofMillis(waitMillis));
        }
    }

    /**
     * Whether a refusal of this actor for going over the rate is worth an audit entry: the first one, and then one a
     * minute at most, so that a script in a loop does not flood the audit.
     */
    boolean refusalAuditDue(Actor actor) {
        var bucket = buckets.getIfPresent(actor.subject());
        return bucket == null || bucket.auditDue(clock.millis());
    }

    private static final class Bucket {
        private double tokens;
        private long updated;
        private long lastAudited = Long.MIN_VALUE;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.updated = now;
        }

        /** 0 when a token was taken; otherwise how long until the next one. */
        synchronized long take(int perMinute, long now) {
            var perMilli = perMinute / (double) WINDOW.toMillis();
            tokens = Math.min(perMinute, tokens + Math.max(0, now - updated) * perMilli);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli));
        }

        synchronized boolean auditDue(long now) {
            if (lastAudited != Long.MIN_VALUE && now - lastAudited < WINDOW.toMillis()) {
                return false;
            }
            lastAudited = now;
            return true;
        }
    }
}
