package dev.nebari.llm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The packaged application started as a process of its own for a benchmark, as the image runs it: {@code java
 * <jvm options> -jar target/nebari-llm-serving-*.jar <arguments>}, on free web and management ports, its output in
 * a log file. Closing it stops it (SIGTERM, then SIGKILL after 30 s); so does the benchmark's end, even on Ctrl-C.
 */
final class BenchApplication implements AutoCloseable {

    private static final Pattern REQUESTS = Pattern.compile(
            "^nebari_kubernetes_requests_total\\{(?<labels>[^}]*)\\}\\s+(?<value>\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    final String name;
    final Process process;
    final int webPort;
    final int managementPort;
    final Path log;
    final long startedNanos = System.nanoTime();

    private BenchApplication(String name, Process process, int webPort, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.webPort = webPort;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** What to start: a jar, and the JVM options that go with its layout (the AOT cache). */
    record Layout(Path jar, List<String> jvm) {

        /**
         * Starts the application in this layout, with the memory options given (e.g. the image's and a limit), and
         * {@code BENCH_APP_JVM}'s options (e.g. {@code -Xlog:gc:file=target/bench-gc-%p.log}).
         */
        BenchApplication start(String name, String memoryOptions, List<String> arguments) throws IOException {
            var options = new ArrayList<>(java.util.Arrays.asList(memoryOptions.trim().split("\\s+")));
            var extra = System.getenv("BENCH_APP_JVM");
            if (extra != null && !extra.isBlank()) {
                options.addAll(java.util.Arrays.asList(extra.trim().split("\\s+")));
            }
            options.addAll(jvm);
            return BenchApplication.start(name, jar, options, arguments);
        }
    }

    /**
     * The packaged application as the image runs it (compose-dev/Dockerfile): Spring Boot's extracted layout and a JVM
     * AOT cache trained as the image build trains it. {@code BENCH_LAYOUT=jar} runs the jar itself instead;
     * {@code BENCH_LAYOUT=extracted} the extracted layout without an AOT cache (what the cache costs in memory).
     */
    static Layout imageLayout() throws Exception {
        var jar = MemoryBenchmark.packagedJar();
        if ("jar".equals(System.getenv("BENCH_LAYOUT"))) {
            System.out.println("layout: the jar itself, no AOT cache (BENCH_LAYOUT=jar)");
            return new Layout(jar, List.of());
        }
        var work = java.nio.file.Files.createTempDirectory("nebari-bench-image-");
        var extracted = dev.nebari.llm.startup.StartupBenchmark.extract(jar, work);
        if ("extracted".equals(System.getenv("BENCH_LAYOUT"))) {
            System.out.println("layout: the extracted jar, no AOT cache (BENCH_LAYOUT=extracted), in " + work);
            return new Layout(extracted, List.of());
        }
        var cache = work.resolve("app.aot");
        dev.nebari.llm.startup.StartupBenchmark.train(extracted, cache, work);
        System.out.println("layout: as the image: extracted jar and AOT cache in " + work);
        return new Layout(extracted, List.of("-XX:AOTCache=" + cache));
    }

    /** Starts the jar with the JVM options and arguments given, plus its ports; returns once the process runs. */
    static BenchApplication start(String name, Path jar, List<String> jvm, List<String> arguments) throws IOException {
        var management = dev.nebari.llm.testing.FreePort.any();
        // The operator alone serves nothing but its management endpoints: given only that port, as the chart gives
        // it, it serves them from one server there (application.yaml).
        var operatorAlone = arguments.contains("--spring.profiles.active=operator");
        var web = operatorAlone ? management : dev.nebari.llm.testing.FreePort.any();
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString(), "--management.server.port=" + management));
        if (!operatorAlone) {
            command.add("--server.port=" + web);
        }
        command.addAll(arguments);
        var log = Path.of("target", "bench-" + name + ".log").toAbsolutePath();
        var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        System.out.println(name + ": " + String.join(" ", jvm) + " -jar " + jar.getFileName() + " "
                + String.join(" ", arguments) + " (pid " + process.pid() + ", log " + log + ")");
        return new BenchApplication(name, process, web, management, log);
    }

    /** Waits until the readiness probe answers 200 (at most 2 minutes); returns the seconds since the start. */
    double awaitReady() throws Exception {
        var http = HttpClient.newHttpClient();
        var readiness = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).build();
        var deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e9;
                }
            } catch (IOException notListening) {
                // not yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within 120 s; see " + log);
    }

    /**
     * The requests the application has sent to the API server so far, by verb and resource as the API server names
     * them (e.g. {@code APPLY deployments}, {@code PATCH llmmodels/status}), read from its Prometheus endpoint.
     */
    Map<String, Long> kubernetesRequests() throws Exception {
        var http = HttpClient.newHttpClient();
        var scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).build();
        var body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        var requests = new TreeMap<String, Long>();
        var line = REQUESTS.matcher(body);
        while (line.find()) {
            var labels = new TreeMap<String, String>();
            var label = LABEL.matcher(line.group("labels"));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            requests.merge(labels.get("verb") + " " + labels.get("resource"), (long) Double.parseDouble(line.group("value")), Long::sum);
        }
        return requests;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
