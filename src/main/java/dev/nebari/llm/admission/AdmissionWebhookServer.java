package dev.nebari.llm.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The HTTPS endpoint the API server posts AdmissionReviews to, on its own port: the API server needs TLS with a
 * certificate it trusts (our CA), which the plain-HTTP web and management ports do not have. The JDK's server is
 * enough for one POST endpoint; each request runs on a virtual thread because it waits on API reads.
 */
public final class AdmissionWebhookServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdmissionWebhookServer.class);
    /** AdmissionReviews carry at most two objects; the API server's own request limit is 3 MiB. */
    private static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final WebhookSettings settings;
    private final ReloadingKeyManager keyManager;
    private final AdmissionReviewer reviewer;
    private volatile @Nullable HttpsServer server;
    private volatile @Nullable ExecutorService executor;

    AdmissionWebhookServer(WebhookSettings settings, ReloadingKeyManager keyManager, AdmissionReviewer reviewer) {
        this.settings = settings;
        this.keyManager = keyManager;
        this.reviewer = reviewer;
    }

    @Override
    public synchronized void start() {
        try {
            var https = HttpsServer.create(new InetSocketAddress(settings.port()), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(keyManager.sslContext()));
            https.createContext(settings.path(), this::handle);
            var threads = Executors.newVirtualThreadPerTaskExecutor();
            https.setExecutor(threads);
            https.start();
            executor = threads;
            server = https;
            log.info("Admission webhook listening on https port {} at {}", port(), settings.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on webhook.port " + settings.port(), e);
        }
    }

    /** The bound port (differs from the setting when that is 0). */
    public int port() {
        var running = server;
        if (running == null) {
            throw new IllegalStateException("the webhook server is not running");
        }
        return running.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !settings.path().equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "text/plain", "not found");
                return;
            }
            var body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
            if (body.length > MAX_REQUEST_BYTES) {
                send(exchange, 413, "text/plain", "request too large");
                return;
            }
            try {
                send(exchange, 200, "application/json", reviewer.review(new String(body, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                send(exchange, 400, "text/plain", e.getMessage());
            }
        } catch (RuntimeException e) {
            log.warn("Admission request failed", e);
            throw e;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, @Nullable String body) throws IOException {
        var bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public synchronized void stop() {
        var running = server;
        server = null;
        if (running != null) {
            // Give in-flight reviews a moment; the API server retries on another replica otherwise.
            running.stop(1);
        }
        var threads = executor;
        executor = null;
        if (threads != null) {
            threads.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** After the certificates are loaded, and before leader election: every replica serves, leader or not. */
    @Override
    public int getPhase() {
        return 0;
    }
}
