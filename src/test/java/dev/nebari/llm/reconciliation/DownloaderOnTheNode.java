package dev.nebari.llm.reconciliation;

import dev.nebari.llm.download.DownloaderMain;
import dev.nebari.llm.download.fakehub.FakeHub;
import dev.nebari.llm.serving.ServingFacts;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kubelet does with the model-downloader init container, for the simulated cluster, which has no kubelet:
 * runs the container exactly as the operator rendered it (its args and literal environment) with the real
 * downloader, the model volume being a local directory and the Hub a fake one, and reports the exit code and the
 * termination-message file the downloader wrote in the pod's status. Nothing here writes a message of its own:
 * what the model's status shows afterwards came from the downloader.
 */
final class DownloaderOnTheNode {

    private DownloaderOnTheNode() {
    }

    /** Runs the pod's downloader once and records its termination as the container's last state; returns the exit code. */
    static int run(KubernetesClient client, Pod pod, FakeHub hub, Path node) {
        var container = pod.getSpec().getInitContainers().stream()
                .filter(c -> ServingFacts.DOWNLOADER_CONTAINER.equals(c.getName())).findFirst().orElseThrow();
        var volume = node.resolve("model-volume");
        var terminationLog = node.resolve("termination-log");
        var args = new ArrayList<String>();
        for (var arg : container.getArgs()) {
            // the model volume's mount path inside the container, here a directory on the "node"
            args.add(arg.startsWith("/") ? volume + arg : arg);
        }
        args.addAll(List.of("--termination-log", terminationLog.toString()));
        Map<String, String> env = new HashMap<>();
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        env.putIfAbsent("HF_ENDPOINT", hub.endpoint().toString());
        var quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int exitCode = DownloaderMain.run(args, env, quiet, quiet);
        String message;
        try {
            message = Files.exists(terminationLog) ? Files.readString(terminationLog) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .editStatus(current -> {
                    current.getStatus().getInitContainerStatuses().stream()
                            .filter(s -> container.getName().equals(s.getName()))
                            // a run the simulated cluster failed has a last state to fill in; a pod whose init
                            // container it let pass has none, and keeps it that way
                            .filter(s -> s.getLastState() != null && s.getLastState().getTerminated() != null)
                            .forEach(s -> s.getLastState().setTerminated(new ContainerStateTerminatedBuilder()
                                    .withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
                                    .withMessage(message.isEmpty() ? null : message)
                                    .withStartedAt(s.getLastState().getTerminated().getStartedAt())
                                    .withFinishedAt(s.getLastState().getTerminated().getFinishedAt())
                                    .build()));
                    return current;
                });
        return exitCode;
    }
}
