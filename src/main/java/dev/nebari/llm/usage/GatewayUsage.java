package dev.nebari.llm.usage;

import dev.nebari.llm.usage.PrometheusClient.QueryFailed;
import dev.nebari.llm.usage.PrometheusClient.Sample;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage per key as the gateway counted it, read from Prometheus at most once per {@code usage.refreshInterval}:
 * callers get the last reading at once while one of them reads the next (a page never waits for another's query).
 */
public class GatewayUsage {

    private static final Logger log = LoggerFactory.getLogger(GatewayUsage.class);

    private final UsageSettings settings;
    private final @Nullable PrometheusClient prometheus;
    private final Clock clock;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile @Nullable UsageSnapshot last;

    public GatewayUsage(UsageSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        var url = settings.prometheusUrl();
        this.prometheus = settings.configured() && url != null ? new PrometheusClient(url, settings.timeout()) : null;
    }

    /** The newest reading, read now if the last one is older than the refresh interval. */
    public UsageSnapshot current() {
        if (prometheus == null) {
            return UsageSnapshot.unavailable(clock.instant(), UsageSnapshot.NOT_CONFIGURED);
        }
        var snapshot = last;
        if (snapshot != null && !isStale(snapshot)) {
            return snapshot;
        }
        // The first reader reads; the others keep the last reading, or wait for the very first one.
        if (snapshot != null && !reading.tryLock()) {
            return snapshot;
        }
        if (snapshot == null) {
            reading.lock();
        }
        try {
            var latest = last;
            if (latest != null && !isStale(latest)) {
                return latest;
            }
            var read = read(prometheus);
            last = read;
            return read;
        } finally {
            reading.unlock();
        }
    }

    private boolean isStale(UsageSnapshot snapshot) {
        return !snapshot.readAt().plus(settings.refreshInterval()).isAfter(clock.instant());
    }

    private UsageSnapshot read(PrometheusClient client) {
        var at = clock.instant();
        try {
            var day = tokens(client.query(UsageQueries.tokens("1d")));
            var month = tokens(client.query(UsageQueries.tokens("30d")));
            var lastUsed = new HashMap<String, Instant>();
            for (var sample : client.query(UsageQueries.lastUsed())) {
                var id = sample.labels().get(UsageQueries.CLIENT_ID);
                if (id != null && Double.isFinite(sample.value())) {
                    lastUsed.put(id, Instant.ofEpochMilli(Math.round(sample.value() * 1000)));
                }
            }
            var byClientId = new HashMap<String, KeyUsage>();
            for (var id : union(day.keySet(), month.keySet(), lastUsed.keySet())) {
                byClientId.put(id, new KeyUsage(Optional.ofNullable(lastUsed.get(id)),
                        day.getOrDefault(id, TokenCounts.NONE), month.getOrDefault(id, TokenCounts.NONE)));
            }
            return new UsageSnapshot(at, Optional.empty(), byClientId);
        } catch (QueryFailed e) {
            log.warn("Usage per key is unavailable: {}", e.getMessage());
            return UsageSnapshot.unavailable(at, "Usage is unavailable right now: " + e.getMessage());
        }
    }

    private static Map<String, TokenCounts> tokens(Iterable<Sample> samples) {
        var counts = new HashMap<String, TokenCounts>();
        for (var sample : samples) {
            var id = sample.labels().get(UsageQueries.CLIENT_ID);
            if (id == null || !Double.isFinite(sample.value())) {
                continue;
            }
            // increase() extrapolates to the window's edges: a fraction of a token is not a token.
            var value = Math.round(sample.value());
            var add = "output".equals(sample.labels().get(UsageQueries.TOKEN_TYPE))
                    ? new TokenCounts(0, value) : new TokenCounts(value, 0);
            counts.merge(id, add, TokenCounts::plus);
        }
        return counts;
    }

    @SafeVarargs
    private static java.util.Set<String> union(java.util.Set<String>... sets) {
        var all = new java.util.TreeSet<String>();
        for (var set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
