package dev.nebari.llm.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /**
     * What one caller can make this server hold. Any pod may reach the port (the API server is not a pod, so a
     * NetworkPolicy cannot name it), so reviews are bounded: at most {@code concurrent} are read and decided at once,
     * and a request that finds no place within {@code waitForPlace} is answered 429 unread; a body may have
     * {@code maxBodyBytes} (an AdmissionReview of an LLMModel is a few KiB, two objects with the API server's
     * annotation limit well under 1 MiB) and must arrive within {@code readDeadline}, or the connection is dropped.
     * Memory held by reviews is thus at most {@code concurrent × maxBodyBytes}.
     */
    record Limits(int concurrent, int maxBodyBytes, Duration waitForPlace, Duration readDeadline) {
        static final Limits DEFAULT = new Limits(8, 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    private final WebhookSettings settings;
    private final ReloadingKeyManager keyManager;
    private final AdmissionReviewer reviewer;
    private final Limits limits;
    private final Semaphore places;
    private volatile @Nullable HttpsServer server;
    private volatile @Nullable ExecutorService executor;

    AdmissionWebhookServer(WebhookSettings settings, ReloadingKeyManager keyManager, AdmissionReviewer reviewer) {
        this(settings, keyManager, reviewer, Limits.DEFAULT);
    }

    AdmissionWebhookServer(WebhookSettings settings, ReloadingKeyManager keyManager, AdmissionReviewer reviewer,
            Limits limits) {
        this.settings = settings;
        this.keyManager = keyManager;
        this.reviewer = reviewer;
        this.limits = limits;
        this.places = new Semaphore(limits.concurrent());
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
        var deadline = new ReadDeadline(limits.readDeadline());
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !settings.path().equals(exchange.getRequestURI().getPath())) {
                refuse(exchange, 404, "not found");
                return;
            }
            if (declaredLength(exchange) > limits.maxBodyBytes()) {
                refuse(exchange, 413, "request too large");
                return;
            }
            if (!places.tryAcquire(limits.waitForPlace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.debug("Admission request refused: {} reviews in progress", limits.concurrent());
                refuse(exchange, 429, "too many admission requests at once");
                return;
            }
            try {
                var body = exchange.getRequestBody().readNBytes(limits.maxBodyBytes() + 1);
                if (body.length > limits.maxBodyBytes()) {
                    refuse(exchange, 413, "request too large");
                    return;
                }
                deadline.disarm();
                try {
                    send(exchange, 200, "application/json", reviewer.review(new String(body, StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    send(exchange, 400, "text/plain", e.getMessage());
                }
            } finally {
                places.release();
            }
        } catch (IOException e) {
            if (!deadline.struck()) {
                throw e;
            }
            log.debug("Admission request dropped: its body did not arrive within {}", limits.readDeadline());
        } catch (InterruptedException e) {
            log.debug("Admission request dropped: no place within its read deadline");
        } catch (RuntimeException e) {
            log.warn("Admission request failed", e);
            throw e;
        } finally {
            deadline.disarm();
            Thread.interrupted(); // a deadline that struck after the exchange was done must not leak to the next task
        }
    }

    /**
     * Interrupts the handling thread when a request has not been read (or, when refused unread, drained by the
     * server) in time. The interrupt closes the connection's channel under the blocked read (an interruptible
     * channel), so a client that sends slowly or not at all holds a thread and a place only until then.
     */
    private static final class ReadDeadline {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final Thread watchdog;
        private volatile boolean struck;

        ReadDeadline(Duration limit) {
            var reader = Thread.currentThread();
            watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(limit);
                    if (settled.compareAndSet(false, true)) {
                        struck = true;
                        reader.interrupt();
                    }
                } catch (InterruptedException disarmed) {
                    // read in time
                }
            });
        }

        void disarm() {
            if (settled.compareAndSet(false, true)) {
                watchdog.interrupt();
            }
        }

        boolean struck() {
            return struck;
        }
    }

    /** An answer without reading the body: the connection is not reused, the client cannot go on sending. */
    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, status, "text/plain", message);
        exchange.getResponseBody().flush();
    }

    private static long declaredLength(HttpExchange exchange) {
        var header = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            return header == null ? -1 : Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
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
