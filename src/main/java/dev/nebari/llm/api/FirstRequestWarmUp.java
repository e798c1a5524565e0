package dev.nebari.llm.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Before the portal reports ready, does once what the first requests would otherwise each wait for. The first burst
 * of mints at the moment of ready took 330-500 ms a mint, against 80-150 ms from ten seconds later (bench/startup,
 * the first minute): the token decoder first read the issuer's discovery document and its JWKS, and the request path
 * through Tomcat and the security filters ran for the first time (the AOT cache's training run ends before any
 * request).
 *
 * <p>Two steps, side by side: the decoder verifies a token that cannot pass, in-process (it fetches the issuer's
 * keys, then refuses the signature; nothing is logged or counted as a refused caller), and one request without a token
 * goes through the REST API on the server's own port (answered 401, as any anonymous caller is). Readiness waits for
 * them at most {@link #LIMIT}; an issuer that is slow or down delays nothing beyond that, and the steps' failures only
 * mean that the first real requests pay as before.
 */
final class FirstRequestWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FirstRequestWarmUp.class);
    static final Duration LIMIT = Duration.ofSeconds(1);
    /** Header {@code {"alg":"RS256"}}, claims {@code {"sub":"warm-up"}}, and a signature no key can verify. */
    static final String UNVERIFIABLE_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3YXJtLXVwIn0.AAAA";

    private final JwtDecoder decoder;
    private final Environment environment;

    FirstRequestWarmUp(JwtDecoder decoder, Environment environment) {
        this.decoder = decoder;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        var started = System.nanoTime();
        var steps = CompletableFuture.allOf(
                CompletableFuture.runAsync(this::prepareDecoder, Thread::startVirtualThread),
                CompletableFuture.runAsync(this::anonymousRequest, Thread::startVirtualThread));
        try {
            steps.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            log.debug("first-request warm-up done in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (TimeoutException e) {
            log.debug("first-request warm-up still running after {}; ready without waiting for it", LIMIT);
        } catch (ExecutionException e) {
            log.debug("first-request warm-up failed; the first requests pay for it instead", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void prepareDecoder() {
        try {
            decoder.decode(UNVERIFIABLE_TOKEN);
            log.warn("the bearer-token decoder accepted a token without a valid signature");
        } catch (JwtException expected) {
            // Refused, as it must be; the issuer's keys are fetched and the verification's code has run.
        }
    }

    private void anonymousRequest() {
        var port = environment.getProperty("local.server.port");
        if (port == null) {
            return;
        }
        try (var http = HttpClient.newBuilder().connectTimeout(LIMIT).build()) {
            var anonymous = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/keys"));
            http.send(anonymous.timeout(LIMIT).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            log.debug("first-request warm-up: the REST API did not answer on port {}", port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
