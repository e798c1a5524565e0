package dev.nebari.llm.reconciliation;

import dev.nebari.llm.model.DownloadStatus;
import dev.nebari.llm.serving.ServingFacts;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a running download stands. The downloader prints one JSON object per line (docs/downloader.md); the
 * latest {@code progress} (or {@code start}) line of its log is the answer, for the repository it names (a model
 * with LoRA adapters downloads several in turn). Reading a log is a GET, never a
 * write, and happens only while a download runs, at most once per {@code minInterval} per pod.
 */
interface DownloadProgress {

    Optional<DownloadStatus> latest(Pod pod);

    /** Reads the tail of the downloader container's log through the API server. */
    final class FromPodLog implements DownloadProgress {

        private record Seen(Optional<DownloadStatus> progress, Instant at) {
        }

        private final KubernetesClient client;
        private final Clock clock;
        private final Duration minInterval;
        private final Map<String, Seen> recent = new ConcurrentHashMap<>();

        FromPodLog(KubernetesClient client, Clock clock, Duration minInterval) {
            this.client = client;
            this.clock = clock;
            this.minInterval = minInterval;
        }

        @Override
        public Optional<DownloadStatus> latest(Pod pod) {
            var uid = pod.getMetadata().getUid();
            var now = Instant.now(clock);
            var seen = recent.get(uid);
            if (seen != null && now.isBefore(seen.at().plus(minInterval))) {
                return seen.progress();
            }
            Optional<DownloadStatus> progress;
            try {
                var log = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .inContainer(ServingFacts.DOWNLOADER_CONTAINER).tailingLines(20).getLog();
                progress = parse(log);
            } catch (KubernetesClientException e) {
                progress = seen != null ? seen.progress() : Optional.empty();
            }
            recent.put(uid, new Seen(progress, now));
            recent.entrySet().removeIf(e -> now.isAfter(e.getValue().at().plus(Duration.ofMinutes(10))));
            return progress;
        }
    }

    /** The newest progress in a downloader log, read from its last {@code progress}, {@code start} or {@code done} line. */
    static Optional<DownloadStatus> parse(String log) {
        if (log == null) {
            return Optional.empty();
        }
        var lines = log.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            var line = lines.get(i).strip();
            if (!line.startsWith("{")) {
                continue;
            }
            try {
                Map<?, ?> event = Serialization.unmarshal(line, Map.class);
                var kind = String.valueOf(event.get("event"));
                switch (kind) {
                    case "progress" -> {
                        return Optional.of(DownloadStatus.of(number(event, "bytesDone"), number(event, "bytesTotal"),
                                (int) number(event, "filesDone"), (int) number(event, "filesTotal"), repo(event)));
                    }
                    case "start" -> {
                        return Optional.of(DownloadStatus.of(0, number(event, "bytesTotal"), 0, (int) number(event, "filesTotal"),
                                repo(event)));
                    }
                    case "done" -> {
                        var total = number(event, "bytesTotal");
                        var files = (int) number(event, "filesTotal");
                        return Optional.of(DownloadStatus.of(total, total, files, files, repo(event)));
                    }
                    default -> {
                        // file, warning, waiting: keep looking for a line with totals
                    }
                }
            } catch (RuntimeException notJson) {
                // a stray line (e.g. from the JVM): skip it
            }
        }
        return Optional.empty();
    }

    /** The repository a line is about; absent from the progress lines of downloaders before LoRA adapters. */
    private static @org.jspecify.annotations.Nullable String repo(Map<?, ?> event) {
        return event.get("repo") instanceof String repo && !repo.isBlank() ? repo : null;
    }

    private static long number(Map<?, ?> event, String field) {
        return event.get(field) instanceof Number n ? n.longValue() : 0;
    }
}
