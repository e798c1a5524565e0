package dev.nebari.llm.localgateway;

import dev.nebari.llm.localcluster.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prometheus from the operating system's packages (Debian: {@code prometheus}), scraping the local gateway's
 * AI Gateway metrics as a cluster's Prometheus scrapes the Envoy pods' {@code :1064/metrics}: the usage per key the
 * portal shows is read from it with the same queries as in a cluster.
 */
final class LocalPrometheus implements AutoCloseable {

    private final ManagedProcess process;
    private final int port;

    private LocalPrometheus(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static Optional<Path> locate() {
        return GatewayBinaries.onPath("prometheus");
    }

    /** Starts Prometheus on {@code port} scraping {@code http://127.0.0.1:<target>/metrics} every {@code interval}. */
    static LocalPrometheus start(Path binary, Path work, int port, int target, Duration interval) {
        try {
            var dir = Files.createDirectories(work.resolve("prometheus"));
            var seconds = Math.max(1, interval.toSeconds()) + "s";
            var config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: %s
                      evaluation_interval: %s
                    scrape_configs:
                      - job_name: envoy-ai-gateway
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(seconds, seconds, target), StandardCharsets.UTF_8);
            var process = ManagedProcess.start("prometheus", List.of(binary.toString(),
                    "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"), work, Map.of());
            var prometheus = new LocalPrometheus(process, port);
            try {
                LocalGateway.waitFor(() -> LocalGateway.listening(port), process, Duration.ofSeconds(30), "Prometheus to listen");
            } catch (RuntimeException e) {
                prometheus.close();
                throw e;
            }
            return prometheus;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.close();
    }
}
