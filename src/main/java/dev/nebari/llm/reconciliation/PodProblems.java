package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Reads the reasons a pod is not running out of its status, in words an admin can act on. */
final class PodProblems {

    static final Set<String> IMAGE_PULL_REASONS = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName");

    /** A problem found on a pod: a short reason (for the condition) and a message. */
    record Problem(ConditionReason reason, String message) {
    }

    private PodProblems() {
    }

    static Optional<Problem> unschedulable(List<Pod> pods) {
        return pods.stream()
                .flatMap(pod -> pod.getStatus() == null || pod.getStatus().getConditions() == null ? Stream.empty()
                        : pod.getStatus().getConditions().stream())
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))
                .findFirst()
                .map(c -> new Problem(ConditionReason.Unschedulable, "pods cannot be scheduled: " + c.getMessage()));
    }

    static Optional<Problem> imagePull(List<Pod> pods) {
        return statuses(pods, true)
                .filter(s -> s.getState() != null && s.getState().getWaiting() != null
                        && IMAGE_PULL_REASONS.contains(s.getState().getWaiting().getReason()))
                .findFirst()
                .map(s -> new Problem(ConditionReason.ImagePullBackOff, "image " + s.getImage() + " of container " + s.getName()
                        + " cannot be pulled (" + s.getState().getWaiting().getReason() + ")"
                        + suffix(s.getState().getWaiting().getMessage())));
    }

    static Optional<Problem> crashLoop(List<Pod> pods, String container) {
        return statuses(pods, false)
                .filter(s -> container.equals(s.getName()) && s.getState() != null && s.getState().getWaiting() != null
                        && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason()))
                .findFirst()
                .map(s -> new Problem(ConditionReason.CrashLoopBackOff, "container " + container + " keeps crashing"
                        + lastTermination(s)));
    }

    /** The init container failed (exited non-zero, or is backing off after doing so). */
    static Optional<Problem> initContainerFailed(List<Pod> pods, String container, ConditionReason reason) {
        return pods.stream()
                .flatMap(pod -> pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null
                        ? Stream.<ContainerStatus>empty() : pod.getStatus().getInitContainerStatuses().stream())
                .filter(s -> container.equals(s.getName()))
                .filter(PodProblems::failed)
                .findFirst()
                .map(s -> new Problem(reason, container + " failed" + lastTermination(s)));
    }

    static boolean initContainerRunning(List<Pod> pods, String container) {
        return initStatuses(pods, container).anyMatch(s -> s.getState() != null && s.getState().getRunning() != null);
    }

    static boolean initContainerSucceeded(List<Pod> pods, String container) {
        return initStatuses(pods, container).anyMatch(s -> s.getState() != null && s.getState().getTerminated() != null
                && Integer.valueOf(0).equals(s.getState().getTerminated().getExitCode()));
    }

    static boolean anyContainerStarted(List<Pod> pods) {
        return statuses(pods, false).anyMatch(s -> s.getState() != null && s.getState().getRunning() != null);
    }

    private static Stream<ContainerStatus> initStatuses(List<Pod> pods, String container) {
        return pods.stream()
                .flatMap(pod -> pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null
                        ? Stream.<ContainerStatus>empty() : pod.getStatus().getInitContainerStatuses().stream())
                .filter(s -> container.equals(s.getName()));
    }

    private static boolean failed(ContainerStatus s) {
        var terminated = s.getState() == null ? null : s.getState().getTerminated();
        if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
            return true;
        }
        var waiting = s.getState() == null ? null : s.getState().getWaiting();
        var last = s.getLastState() == null ? null : s.getLastState().getTerminated();
        return waiting != null && "CrashLoopBackOff".equals(waiting.getReason()) && last != null;
    }

    private static String lastTermination(ContainerStatus s) {
        var terminated = s.getState() != null && s.getState().getTerminated() != null ? s.getState().getTerminated()
                : s.getLastState() != null ? s.getLastState().getTerminated() : null;
        if (terminated == null) {
            return "";
        }
        var text = new StringBuilder(": exit code ").append(terminated.getExitCode());
        if (terminated.getReason() != null && !terminated.getReason().isBlank()) {
            text.append(" (").append(terminated.getReason()).append(')');
        }
        if (terminated.getMessage() != null && !terminated.getMessage().isBlank()) {
            text.append(": ").append(terminated.getMessage().strip());
        }
        return text.toString();
    }

    private static Stream<ContainerStatus> statuses(List<Pod> pods, boolean withInit) {
        return pods.stream().flatMap(pod -> {
            if (pod.getStatus() == null) {
                return Stream.empty();
            }
            var main = pod.getStatus().getContainerStatuses() == null ? Stream.<ContainerStatus>empty()
                    : pod.getStatus().getContainerStatuses().stream();
            var init = !withInit || pod.getStatus().getInitContainerStatuses() == null ? Stream.<ContainerStatus>empty()
                    : pod.getStatus().getInitContainerStatuses().stream();
            return Stream.concat(init, main);
        });
    }

    private static String suffix(String message) {
        return message == null || message.isBlank() ? "" : ": " + message;
    }
}
