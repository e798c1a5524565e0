package dev.nebari.llm.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching upstream CRDs from release URLs: good files are cached and installed, bad ones are reported, offline works. */
class UpstreamCrdDownloadsTest {

    @TempDir
    Path cache;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        var ownCrd = readOwnCrd();
        var files = Map.of(
                "/v1.0.0/llmmodels.yaml", ownCrd,
                "/v1.0.0/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-crd\n",
                "/v1.0.0/page.yaml", "<html><body>rate limited</body></html>\n");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            var body = files.get(exchange.getRequestURI().getPath());
            var bytes = body == null ? "not found".getBytes(StandardCharsets.UTF_8) : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void fetchesCachesAndThenWorksOffline() {
        var url = url("/v1.0.0/llmmodels.yaml");
        var downloads = new UpstreamCrdDownloads(cache, Duration.ofSeconds(5));

        var first = downloads.fetch(List.of(url));
        assertThat(first.failures()).isEmpty();
        assertThat(first.crds()).singleElement()
                .satisfies(crd -> assertThat(crd.getMetadata().getName()).isEqualTo("llmmodels.llm.nebari.dev"));
        assertThat(cache.resolve(UpstreamCrdDownloads.cacheName(url))).isRegularFile();
        assertThat(requests).hasValue(1);

        server.stop(0); // offline from here on
        var second = downloads.fetch(List.of(url));
        assertThat(second.failures()).isEmpty();
        assertThat(second.crds()).singleElement()
                .satisfies(crd -> assertThat(crd.getMetadata().getName()).isEqualTo("llmmodels.llm.nebari.dev"));
        assertThat(requests).hasValue(1);
    }

    @Test
    void reportsEachBadUrlAndKeepsTheGoodOnes() throws IOException {
        var good = url("/v1.0.0/llmmodels.yaml");
        var missing = url("/v1.0.0/absent.yaml");
        var notACrd = url("/v1.0.0/configmap.yaml");
        var notYaml = url("/v1.0.0/page.yaml");

        var result = new UpstreamCrdDownloads(cache, Duration.ofSeconds(5)).fetch(List.of(missing, good, notACrd, notYaml));

        assertThat(result.crds()).hasSize(1);
        assertThat(result.failures()).hasSize(3);
        assertThat(result.failures().get(0)).isEqualTo(missing + ": HTTP 404");
        assertThat(result.failures().get(1)).isEqualTo(notACrd + ": not a CustomResourceDefinition");
        assertThat(result.failures().get(2)).startsWith(notYaml + ": not "); // "not YAML" or "not a CRD", said plainly
        // only the good file was kept: a bad answer is asked for again next time, not trusted from the cache
        try (var cached = Files.list(cache)) {
            assertThat(cached).containsExactly(cache.resolve(UpstreamCrdDownloads.cacheName(good)));
        }
    }

    @Test
    void anUnreachableHostFailsWithinTheTimeout() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var url = URI.create("http://127.0.0.1:" + closedPort + "/v1.0.0/llmmodels.yaml");
        long start = System.nanoTime();

        var result = new UpstreamCrdDownloads(cache, Duration.ofSeconds(2)).fetch(List.of(url));

        assertThat(result.crds()).isEmpty();
        assertThat(result.failures()).singleElement().asString().startsWith(url + ": ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void filesOfTheSameNameFromDifferentUrlsAreCachedApart() {
        var a = URI.create("https://example.test/a/v1/x.yaml");
        var b = URI.create("https://example.test/b/v1/x.yaml");
        assertThat(UpstreamCrdDownloads.cacheName(a)).endsWith("-x.yaml").isNotEqualTo(UpstreamCrdDownloads.cacheName(b));
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    static String readOwnCrd() throws IOException {
        try (InputStream in = UpstreamCrdDownloadsTest.class.getResourceAsStream(CrdInstaller.OWN_CRD_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
