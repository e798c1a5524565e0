package dev.nebari.llm.download;

import dev.nebari.llm.download.fakehub.FakeHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One run of the downloader's entry point against a fake Hub, with its exit status and output captured. */
record DownloadRun(int exitCode, List<JsonNode> events, String stdout, String stderr) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Small chunks and short timeouts so that a few MiB exercise parallel chunks, retries and stalls quickly. */
    static final List<String> FAST_SETTINGS = List.of("--chunk-size", "1M", "--concurrency", "4",
            "--stall-timeout", "2s", "--retries", "3", "--retry-backoff", "10ms", "--lease-duration", "1s",
            "--progress-interval", "100ms");

    static DownloadRun of(FakeHub hub, String repo, Path target, Map<String, String> env, String... overrides) {
        List<String> args = new ArrayList<>(List.of("--repo", repo, "--target", target.toString()));
        args.addAll(FAST_SETTINGS);
        args.addAll(List.of(overrides));
        Map<String, String> environment = new HashMap<>(env);
        environment.put("HF_ENDPOINT", hub.endpoint().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DownloaderMain.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        List<JsonNode> events = stdout.lines().map(JSON::readTree).toList();
        return new DownloadRun(exit, events, stdout, err.toString(StandardCharsets.UTF_8));
    }

    static DownloadRun of(FakeHub hub, String repo, Path target, String... overrides) {
        return of(hub, repo, target, Map.of(), overrides);
    }

    List<JsonNode> events(String type) {
        return events.stream().filter(e -> e.path("event").asString().equals(type)).toList();
    }

    JsonNode last(String type) {
        List<JsonNode> matching = events(type);
        if (matching.isEmpty()) {
            throw new AssertionError("no " + type + " event in:\n" + stdout + "\nstderr:\n" + stderr);
        }
        return matching.getLast();
    }
}
