package dev.nebari.llm.identity;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an OIDC issuer's discovery document ({@code /.well-known/openid-configuration}) for its JWKS URI. The
 * predecessor hard-coded Keycloak's JWKS path; any provider publishes the real one here.
 *
 * <p>Lookups never block the caller (the reconciler's workers must not wait on a slow or unreachable issuer):
 * {@link #current} answers from the cache and, when the entry is missing or stale, fetches in the background;
 * listeners hear when an answer changes. Successes are kept for an hour, failures retried after 30 seconds.
 */
public final class OidcDiscovery {

    /**
     * The parts of a discovery document the pack uses: the issuer and its keys (token checks, the gateway's JWT
     * policy), and the endpoints where people and scripts get tokens (the OpenAPI page's Authorize); an endpoint the
     * provider does not publish is empty.
     */
    public record DiscoveredIssuer(String issuer, String jwksUri, String authorizationEndpoint, String tokenEndpoint,
            String deviceAuthorizationEndpoint) {
    }

    private record Cached(Optional<DiscoveredIssuer> result, Instant until) {
    }

    private static final Logger log = LoggerFactory.getLogger(OidcDiscovery.class);
    static final Duration SUCCESS_TTL = Duration.ofHours(1);
    static final Duration FAILURE_TTL = Duration.ofSeconds(30);

    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Set<String> fetching = ConcurrentHashMap.newKeySet();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public OidcDiscovery(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** Called with the issuer whenever what {@link #current} answers for it changes. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** The cached answer (empty until the first fetch completed); refreshes in the background when stale. */
    public Optional<DiscoveredIssuer> current(String issuer) {
        var cached = cache.get(issuer);
        if ((cached == null || !Instant.now(clock).isBefore(cached.until())) && fetching.add(issuer)) {
            Thread.ofVirtual().name("oidc-discovery").start(() -> refresh(issuer));
        }
        return cached == null ? Optional.empty() : cached.result();
    }

    /** Whether a fetch for this issuer has completed at least once (with an answer or a failure). */
    public boolean answered(String issuer) {
        return cache.containsKey(issuer);
    }

    /** Fetches now, blocking; for callers that may wait (start-up checks, tests). */
    public Optional<DiscoveredIssuer> discover(String issuer) {
        refresh(issuer);
        return cache.get(issuer).result();
    }

    private void refresh(String issuer) {
        try {
            var result = fetch(issuer);
            var previous = cache.put(issuer, new Cached(result,
                    Instant.now(clock).plus(result.isPresent() ? SUCCESS_TTL : FAILURE_TTL)));
            if (previous == null || !previous.result().equals(result)) {
                listeners.forEach(listener -> listener.accept(issuer));
            }
        } finally {
            fetching.remove(issuer);
        }
    }

    private Optional<DiscoveredIssuer> fetch(String issuer) {
        var url = issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                log.warn("OIDC discovery {} answered HTTP {}", url, response.statusCode());
                return Optional.empty();
            }
            Map<?, ?> document = Serialization.unmarshal(response.body(), Map.class);
            if (!(document.get("jwks_uri") instanceof String jwks) || jwks.isBlank()) {
                log.warn("OIDC discovery document {} has no jwks_uri", url);
                return Optional.empty();
            }
            var declared = document.get("issuer") instanceof String s ? s : issuer;
            return Optional.of(new DiscoveredIssuer(declared, jwks, text(document, "authorization_endpoint"),
                    text(document, "token_endpoint"), text(document, "device_authorization_endpoint")));
        } catch (IOException | RuntimeException e) {
            log.warn("OIDC discovery {} failed: {}", url, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String text(Map<?, ?> document, String field) {
        return document.get(field) instanceof String value ? value.strip() : "";
    }
}
