package dev.nebari.llm.usage;

import static dev.nebari.llm.gateway.GatewayFacts.TOKEN_TYPE_LABEL;
import static dev.nebari.llm.gateway.GatewayFacts.TOKEN_USAGE_METRIC;
import static dev.nebari.llm.gateway.GatewayFacts.USAGE_CLIENT_ID_LABEL;
import static dev.nebari.llm.gateway.GatewayFacts.USAGE_USER_LABEL;

/**
 * The PromQL behind usage per key. AI Gateway's counters are per gateway process and start when a key is first
 * used there, which Prometheus' {@code increase()} alone gets wrong: it needs two samples, so a key's first request
 * (the whole value of a counter that appeared in the window) would never count. A series that existed at the start
 * of the window therefore counts its increase (which survives restarts of the gateway), and one that appeared
 * within it counts its highest value.
 */
final class UsageQueries {

    static final String CLIENT_ID = USAGE_CLIENT_ID_LABEL;
    static final String TOKEN_TYPE = TOKEN_TYPE_LABEL;
    /** Requests through API keys: a client id, and no user (which only the internal, JWT side sets). */
    private static final String THROUGH_KEYS = CLIENT_ID + "!=\"\"," + USAGE_USER_LABEL + "=\"\"";
    private static final String TOKENS = TOKEN_USAGE_METRIC + "_sum{" + THROUGH_KEYS + "," + TOKEN_TYPE + "=~\"input|output\"}";
    /** One sample per counted request (every request has input tokens). */
    private static final String REQUESTS = TOKEN_USAGE_METRIC + "_count{" + THROUGH_KEYS + "," + TOKEN_TYPE + "=\"input\"}";

    private UsageQueries() {
    }

    /** Input and output tokens per client id over {@code window} (a PromQL duration such as {@code 1d}). */
    static String tokens(String window) {
        return "sum by (%s, %s) ((increase(%s[%s]) and %s offset %s) or (max_over_time(%s[%s]) unless %s offset %s))"
                .formatted(CLIENT_ID, TOKEN_TYPE, TOKENS, window, TOKENS, window, TOKENS, window, TOKENS, window);
    }

    /**
     * When each client id was last counted, as a Unix time: within the last two minutes from the newest sample,
     * within the last day to the minute, within 30 days to the hour.
     */
    static String lastUsed() {
        return "max by (%s) (timestamp(%s) and (%s))".formatted(CLIENT_ID, REQUESTS, changedWithin("2m"))
                + " or " + lastChangeOver("1d", "1m")
                + " or " + lastChangeOver("30d", "1h");
    }

    private static String lastChangeOver(String range, String step) {
        return "max by (%s) (max_over_time((timestamp(%s) and (%s))[%s:%s]))"
                .formatted(CLIENT_ID, REQUESTS, changedWithin(step), range, step);
    }

    /** The request counter rose within {@code window}, or appeared within it. */
    private static String changedWithin(String window) {
        return "(%s - %s offset %s) > 0 or (%s unless %s offset %s)"
                .formatted(REQUESTS, REQUESTS, window, REQUESTS, REQUESTS, window);
    }
}
