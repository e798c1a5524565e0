package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.ModelFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook's port is reachable from any pod, so what one caller can make it hold is bounded: body size,
 * reviews in progress, and how long a body may take to arrive. Real HTTPS server, real sockets; the cluster
 * lookups are the rules' in-memory stand-in (AdmissionWebhookTest covers the API server calling us).
 */
class WebhookLimitsTest {

    static final String PATH = "/validate";
    static final AdmissionWebhookServer.Limits LIMITS =
            new AdmissionWebhookServer.Limits(2, 16 * 1024, Duration.ofMillis(300), Duration.ofSeconds(2));

    AdmissionWebhookServer server;
    SSLContext trusting;
    HttpClient http;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        var certificates = new CertificateIssuer(Clock.systemUTC())
                .issueFirst(List.of("localhost"), Duration.ofDays(2), Duration.ofDays(1));
        var keyManager = new ReloadingKeyManager();
        keyManager.load(certificates.servingPrivateKey(), certificates.serving(), certificates.ca());
        var settings = new WebhookSettings(true, 0, PATH, "webhook", "config", "secret", "release", Duration.ofDays(90),
                Duration.ofDays(30), Duration.ofDays(1825), Duration.ofDays(365), Duration.ofMinutes(1), false);
        server = new AdmissionWebhookServer(settings, keyManager, new AdmissionReviewer(
                new AdmissionRules(ModelFixtures.settings()), new AdmissionRulesTest.FakeCluster(),
                ModelFixtures.SERIALIZATION, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), LIMITS);
        server.start();

        var trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificates.ca());
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, factory.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() throws IOException {
        for (var socket : sockets) {
            socket.close();
        }
        server.stop();
        http.close();
    }

    @Test
    void aReviewWithinTheLimitsIsAnswered() throws Exception {
        assertThat(post(AdmissionReviewerTest.request("CREATE", "team-a", "\"storage\": {\"size\": \"1Gi\"}")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413WhetherDeclaredOrNot() throws Exception {
        // declared: answered from the headers, nothing of the body is read
        var declared = open();
        send(declared, "POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000000\r\n\r\n");
        assertThat(statusLine(declared)).contains(" 413 ");

        // chunked: read up to one byte over the limit
        var chunked = http.send(HttpRequest.newBuilder(URI.create(url()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        "x".repeat(LIMITS.maxBodyBytes() + 100).getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
    }

    @Test
    void slowSendersHoldAPlaceOnlyUntilTheDeadlineAndOthersAreTurnedAwayMeanwhile() throws Exception {
        var slow = List.of(open(), open());
        for (var socket : slow) {
            send(socket, "POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"apiVersion\":");
        }
        // both places taken by senders that never finish: the next request is refused quickly, not queued
        await().atMost(Duration.ofSeconds(5)).until(() -> post("{}").statusCode() == 429);

        // at the deadline their connections are dropped and their places are free again
        for (var socket : slow) {
            socket.setSoTimeout(10_000);
            assertThat(readAll(socket.getInputStream())).as("nothing is answered to a body that never arrived").isEmpty();
        }
        var answered = post(AdmissionReviewerTest.request("CREATE", "team-a", "\"storage\": {\"size\": \"1Gi\"}"));
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("\"allowed\":true");
    }

    HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String url() {
        return "https://localhost:" + server.port() + PATH;
    }

    Socket open() throws IOException {
        var socket = trusting.getSocketFactory().createSocket("localhost", server.port());
        sockets.add(socket);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static String statusLine(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        var line = new StringBuilder();
        for (int c; (c = socket.getInputStream().read()) != -1 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString();
    }

    static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException closed) {
            return "";
        }
    }
}
