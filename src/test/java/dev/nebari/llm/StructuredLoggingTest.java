package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.keys.KeyAuditTrail;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart's {@code logging.format: json} is one Spring Boot property in application.yaml. The application, started
 * with the rendered property as the image starts it (its own process, the main classpath: no logback-test.xml),
 * must write every line as a JSON object, audit lines (logger {@code audit}, a JSON record of their own) included.
 */
@WithKubernetes(upstreamCrds = false)
class StructuredLoggingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String AUDIT_RECORD = "{\"event\":\"api-key.minted\",\"clientId\":\"k-1\",\"model\":\"llama\"}";

    @Test
    void withTheChartsJsonFormatTheApplicationLogsJsonLinesAuditLinesIncluded(TestCluster cluster, @TempDir Path dir)
            throws Exception {
        var logging = ChartRenderer.installable().with("logging.format", "json").rendered().applicationConfig("logging").orElseThrow();
        var config = Files.writeString(dir.resolve("application.yaml"), Serialization.asYaml(Map.of("logging", logging)));

        var lines = run(dir, "--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=operator",
                "--server.port=0", "--management.server.port=0", "--platform.baseDomain=nebari.example.com",
                "--spring.config.additional-location=file:" + config);

        assertThat(lines).as("every line the process wrote").isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        var records = lines.stream().map(JSON::readTree).toList();
        assertThat(records).anySatisfy(record -> {
            assertThat(field(record, "log", "level")).isEqualTo("INFO");
            assertThat(record.get("@timestamp")).isNotNull();
            assertThat(record.get("message").asString()).startsWith("Started ");
        });
        assertThat(records).filteredOn(record -> KeyAuditTrail.LOGGER.equals(field(record, "log", "logger")))
                .singleElement().satisfies(record ->
                        assertThat(JSON.readTree(record.get("message").asString())).isEqualTo(JSON.readTree(AUDIT_RECORD)));
    }

    /** An ECS field, nested ({@code {"log":{"level":…}}}) or dotted ({@code "log.level"}). */
    private static String field(JsonNode record, String... path) {
        var nested = record.at("/" + String.join("/", path));
        return nested.isMissingNode() ? record.path(String.join(".", List.of(path))).asString(null) : nested.asString();
    }

    /**
     * Runs {@link AuditingApplication} in a JVM of its own: the application's classes and the libraries, plus that one
     * class copied out of the test classes (whose logback-test.xml would replace Boot's own logging set-up).
     */
    private static List<String> run(Path dir, String... args) throws IOException, InterruptedException {
        var main = AuditingApplication.class;
        var classFile = main.getName().replace('.', '/') + ".class";
        var extra = dir.resolve("extra");
        Files.createDirectories(extra.resolve(classFile).getParent());
        try (var in = main.getClassLoader().getResourceAsStream(classFile)) {
            Files.copy(in, extra.resolve(classFile));
        }
        var classpath = new ArrayList<String>();
        classpath.add(extra.toString());
        for (var entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") || entry.endsWith(File.separator + "classes")) {
                classpath.add(entry);
            }
        }
        var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", String.join(File.pathSeparator, classpath), main.getName()));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile()).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", out, Files.readString(dir.resolve("stderr"))).isZero();
        return out.lines().filter(line -> !line.isBlank()).toList();
    }

    /** The application, and one line on the audit logger as KeyAuditTrail writes it, then a clean stop. */
    public static final class AuditingApplication {
        public static void main(String[] args) {
            try (var context = SpringApplication.run(LlmServingApplication.class, args)) {
                LoggerFactory.getLogger(KeyAuditTrail.LOGGER).info(AUDIT_RECORD);
            }
        }
    }
}
