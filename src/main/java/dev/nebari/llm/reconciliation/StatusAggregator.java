package dev.nebari.llm.reconciliation;

import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.platform.ManagedNamespaces;
import static dev.nebari.llm.reconciliation.ConditionType.ACCESS_CONTROL_CONFIGURED;
import static dev.nebari.llm.reconciliation.ConditionType.EXTERNAL_ENDPOINT_READY;
import static dev.nebari.llm.reconciliation.ConditionType.INTERNAL_ENDPOINT_READY;
import static dev.nebari.llm.reconciliation.ConditionType.MODEL_AVAILABLE;
import static dev.nebari.llm.reconciliation.ConditionType.READY;
import static dev.nebari.llm.reconciliation.ConditionType.SCHEDULER_READY;
import static dev.nebari.llm.reconciliation.ConditionType.WORKLOAD_READY;
import static dev.nebari.llm.reconciliation.ConditionReason.*;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.ModelEndpoints;
import dev.nebari.llm.model.DownloadStatus;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelEventReason;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.model.ReplicasStatus;
import dev.nebari.llm.model.SharedVolume;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.serving.ModelServerDeploymentRenderer;
import dev.nebari.llm.serving.ServingFacts;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Folds what a reconcile pass observed into the model's status: one condition per concern, the aggregate
 * {@code Ready}, and a phase for humans; or, for a model in a namespace the pack does not manage, the one condition
 * that says so. Pure; a condition keeps its {@code lastTransitionTime} while its status does not change, so an
 * unchanged model yields an unchanged status (and no write).
 */
final class StatusAggregator {

    private final PackSettings settings;
    private final Clock clock;

    StatusAggregator(PackSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** A condition other than {@code Ready} before timestamps: status, reason and message. */
    record Verdict(ConditionType type, boolean ok, ConditionReason reason, String message) {
        static Verdict ok(ConditionType type, ConditionReason reason, String message) {
            return new Verdict(type, true, reason, message);
        }

        static Verdict notOk(ConditionType type, ConditionReason reason, String message) {
            return new Verdict(type, false, reason, message);
        }
    }

    /** The verdicts of one pass, by concern, in the order the status lists them. */
    record Verdicts(Verdict model, Verdict workload, Verdict scheduler, Verdict external, Verdict internal, Verdict access) {
        List<Verdict> all() {
            return List.of(model, workload, scheduler, external, internal, access);
        }
    }

    /** {@code Ready} before timestamps; its reasons are the Events' (see {@link ConditionReason}). */
    record Readiness(boolean ok, ModelEventReason reason, String message) {
    }

    LLMModelStatus aggregate(LLMModel model, Observations seen) {
        var spec = model.getSpec();
        var verdicts = new Verdicts(
                modelAvailable(model, seen),
                workloadReady(model, seen),
                schedulerReady(seen),
                endpointReady(model, seen, EndpointSide.EXTERNAL),
                endpointReady(model, seen, EndpointSide.INTERNAL),
                accessControl(seen));
        var ready = ready(verdicts, seen);

        var previous = model.getStatus();
        var conditions = new ArrayList<Condition>();
        conditions.add(condition(READY, ready.ok(), ready.reason().name(), ready.message(), model, previous));
        verdicts.all().forEach(v -> conditions.add(condition(v.type(), v.ok(), v.reason().name(), v.message(), model, previous)));
        var desired = spec.serving().replicas();
        var readyReplicas = seen.workload() != null && seen.workload().getStatus() != null
                && seen.workload().getStatus().getReadyReplicas() != null
                ? seen.workload().getStatus().getReadyReplicas() : 0;
        var download = verdicts.model().reason() == Downloading ? seen.download() : null;
        // The size of the model's own weights: not of an adapter the downloader has moved on to.
        var ofTheModel = download != null && (download.repository() == null || download.repository().equals(spec.model().name()));
        var size = ofTheModel && download.bytesTotal() > 0 ? humanSize(download.bytesTotal())
                : previous != null ? previous.modelSize() : null;
        return new LLMModelStatus(
                phase(verdicts, ready),
                List.copyOf(conditions),
                model.getMetadata().getGeneration(),
                replicas(model, seen, readyReplicas, desired),
                ModelEndpoints.status(spec, settings),
                size,
                download);
    }

    /** Replica counts and the vLLM pods' selector, which the scale subresource reports (see the CRD). */
    private ReplicasStatus replicas(LLMModel model, Observations seen, int ready, int desired) {
        var status = seen.workload() == null ? null : seen.workload().getStatus();
        var current = status == null || status.getReplicas() == null ? 0 : status.getReplicas();
        var selector = ModelObjects.of(model).modelServerPods().entrySet().stream()
                .map(label -> label.getKey() + "=" + label.getValue())
                .collect(java.util.stream.Collectors.joining(","));
        return ReplicasStatus.of(ready, desired, current, selector, multiAttachWarning(model).orElse(null));
    }

    private Optional<String> multiAttachWarning(LLMModel model) {
        return SharedVolume.multiAttachWarning(model.getSpec(), settings.defaults().storage().accessMode());
    }

    /**
     * The status of a model in a namespace the pack does not manage: nothing of it is applied or observed, so
     * {@code Ready} is its only condition, and it keeps its time while the namespace stays unmanaged.
     */
    LLMModelStatus notManaged(LLMModel model) {
        var message = "namespace " + model.getMetadata().getNamespace()
                + " is not managed: label it " + ManagedNamespaces.LABEL + "=" + ManagedNamespaces.LABEL_VALUE
                + " or add it to watchNamespaces";
        var since = find(model.getStatus(), READY)
                .filter(c -> ModelEventReason.NamespaceNotManaged.name().equals(c.getReason()))
                .map(Condition::getLastTransitionTime)
                .orElseGet(this::now);
        var condition = condition(READY, false, ModelEventReason.NamespaceNotManaged.name(), message, model, since);
        return new LLMModelStatus(Phase.Pending, List.of(condition), model.getMetadata().getGeneration(), null, null,
                null, null);
    }

    private Verdict modelAvailable(LLMModel model, Observations seen) {
        var source = model.getSpec().model();
        var pods = seen.modelPods();
        var containers = ModelServerDeploymentRenderer.weightContainers(model);
        if (containers.isEmpty()) {
            return Verdict.ok(MODEL_AVAILABLE, FetchedByServer, "preload is off: vLLM fetches the weights when it starts");
        }
        for (var container : containers) {
            var failure = PodProblems.initContainerFailed(pods, container, DownloadFailed);
            if (failure.isPresent()) {
                return Verdict.notOk(MODEL_AVAILABLE, failure.get().reason(), failure.get().message());
            }
        }
        // Init containers run in order: the last one done means all are.
        if (PodProblems.initContainerSucceeded(pods, containers.getLast()) || PodProblems.anyContainerStarted(pods)) {
            return Verdict.ok(MODEL_AVAILABLE, Downloaded, inPlace(model));
        }
        var pull = PodProblems.imagePull(pods);
        if (pull.isPresent()) {
            return Verdict.notOk(MODEL_AVAILABLE, pull.get().reason(), pull.get().message());
        }
        var running = containers.stream().filter(container -> PodProblems.initContainerRunning(pods, container)).findFirst();
        if (running.isPresent()) {
            return Verdict.notOk(MODEL_AVAILABLE, Downloading, fetching(model, running.get(), seen.download()) + progress(seen));
        }
        var unschedulable = PodProblems.unschedulable(pods);
        if (unschedulable.isPresent()) {
            return Verdict.notOk(MODEL_AVAILABLE, Pending, unschedulable.get().message());
        }
        if (model.getSpec().serving().replicas() == 0) {
            return Verdict.notOk(MODEL_AVAILABLE, ScaledToZero, "spec.serving.replicas is 0: no pod fetches the weights");
        }
        return Verdict.notOk(MODEL_AVAILABLE, Pending, "waiting for a model pod to start the download");
    }

    private static String inPlace(LLMModel model) {
        var spec = model.getSpec();
        var adapters = spec.adapters().size();
        var ofAdapters = adapters == 0 ? "" : adapters == 1 ? " and its adapter" : " and its " + adapters + " adapters";
        return spec.model().source() == ModelSource.HUGGINGFACE && !spec.model().preload()
                ? "the adapters are in place; preload is off: vLLM fetches the weights of " + spec.model().name() + " when it starts"
                : "the weights of " + spec.model().name() + ofAdapters + " are in place";
    }

    /** What the running init container fetches: the repository the downloader is on, when its progress says. */
    private static String fetching(LLMModel model, String container, @Nullable DownloadStatus download) {
        var spec = model.getSpec();
        if (container.equals(ServingFacts.OCI_COPY_CONTAINER)) {
            return "copying the weights from " + spec.model().image();
        }
        if (container.startsWith(ServingFacts.ADAPTER_COPY_CONTAINER_PREFIX)) {
            var adapter = spec.adapters().get(Integer.parseInt(container.substring(ServingFacts.ADAPTER_COPY_CONTAINER_PREFIX.length())));
            return "copying adapter " + adapter.name() + " from " + adapter.image();
        }
        var repositories = new ArrayList<String>();
        var current = download == null ? null : download.repository();
        if (spec.model().source() == ModelSource.HUGGINGFACE && spec.model().preload()) {
            if (spec.model().name().equals(current)) {
                return "downloading " + current;
            }
            repositories.add(spec.model().name());
        }
        for (var adapter : spec.adapters()) {
            if (adapter.source() == ModelSource.HUGGINGFACE) {
                var named = "adapter " + adapter.name() + (adapter.effectiveRepo().equals(adapter.name()) ? "" : " (" + adapter.effectiveRepo() + ")");
                if (adapter.effectiveRepo().equals(current)) {
                    return "downloading " + named;
                }
                repositories.add(named);
            }
        }
        return "downloading " + String.join(", then ", repositories);
    }

    /** Binary units, one decimal, as kubectl users read sizes: 16.2Gi. */
    static String humanSize(long bytes) {
        String[] units = {"B", "Ki", "Mi", "Gi", "Ti"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + "B" : String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    private static String progress(Observations seen) {
        var download = seen.download();
        if (download == null || download.bytesTotal() == 0) {
            return "";
        }
        return ": " + download.summary();
    }

    private Verdict workloadReady(LLMModel model, Observations seen) {
        var desired = model.getSpec().serving().replicas();
        if (seen.workload() == null) {
            return Verdict.notOk(WORKLOAD_READY, Creating, "the vLLM Deployment does not exist yet");
        }
        if (desired == 0) {
            return Verdict.notOk(WORKLOAD_READY, ScaledToZero, "spec.serving.replicas is 0");
        }
        var ready = readyReplicas(seen.workload());
        if (ready >= desired) {
            return Verdict.ok(WORKLOAD_READY, ReplicasReady, ready + "/" + desired + " vLLM replicas ready");
        }
        var problem = PodProblems.unschedulable(seen.modelPods())
                .or(() -> PodProblems.imagePull(seen.modelPods()))
                .or(() -> PodProblems.crashLoop(seen.modelPods(), ServingFacts.CONTAINER));
        if (problem.isPresent()) {
            return Verdict.notOk(WORKLOAD_READY, problem.get().reason(), problem.get().message());
        }
        return Verdict.notOk(WORKLOAD_READY, Starting, ready + "/" + desired + " vLLM replicas ready"
                + multiAttachWarning(model).map(warning -> "; " + warning).orElse(""));
    }

    private Verdict schedulerReady(Observations seen) {
        if (seen.missingKinds().contains(ChildKind.INFERENCE_POOL)) {
            return crdMissing(SCHEDULER_READY, ChildKind.INFERENCE_POOL);
        }
        if (seen.picker() == null) {
            return Verdict.notOk(SCHEDULER_READY, Creating, "the endpoint picker Deployment does not exist yet");
        }
        if (readyReplicas(seen.picker()) > 0) {
            return Verdict.ok(SCHEDULER_READY, PickerReady, "the InferencePool and its endpoint picker are ready");
        }
        var problem = PodProblems.unschedulable(seen.pickerPods())
                .or(() -> PodProblems.imagePull(seen.pickerPods()));
        return problem.map(p -> Verdict.notOk(SCHEDULER_READY, p.reason(), "endpoint picker: " + p.message()))
                .orElse(Verdict.notOk(SCHEDULER_READY, Starting, "the endpoint picker is starting"));
    }

    private Verdict endpointReady(LLMModel model, Observations seen, EndpointSide side) {
        var type = side == EndpointSide.EXTERNAL ? EXTERNAL_ENDPOINT_READY : INTERNAL_ENDPOINT_READY;
        if (!side.enabledIn(model.getSpec())) {
            return Verdict.ok(type, Disabled, "the " + sideName(side) + " endpoint is disabled in spec.endpoints");
        }
        if (seen.claimTaken() != null) {
            return Verdict.notOk(type, ModelIdTaken, seen.claimTaken());
        }
        if (seen.missingKinds().contains(ChildKind.AI_GATEWAY_ROUTE)) {
            return crdMissing(type, ChildKind.AI_GATEWAY_ROUTE);
        }
        var withheld = seen.withheld().stream().filter(w -> w.kind().equals("AIGatewayRoute")
                && w.name().endsWith(side == EndpointSide.EXTERNAL ? "-external" : "-internal")).findFirst();
        if (withheld.isPresent()) {
            return Verdict.notOk(type, side == EndpointSide.INTERNAL ? OIDCNotConfigured : Withheld,
                    withheld.get().reason());
        }
        var route = side == EndpointSide.EXTERNAL ? seen.externalRoute() : seen.internalRoute();
        if (route == null) {
            return Verdict.notOk(type, Creating, "the " + sideName(side) + " AIGatewayRoute does not exist yet");
        }
        // AI Gateway keeps one condition: Accepted/True, or NotAccepted/False with the error (AIGW 1.1).
        var accepted = conditions(route.getAdditionalProperties().get("status")).stream()
                .filter(c -> "Accepted".equals(c.get("type")) || "NotAccepted".equals(c.get("type")))
                .findFirst();
        if (accepted.isEmpty()) {
            return Verdict.notOk(type, RoutePending, "waiting for the AI Gateway to accept AIGatewayRoute "
                    + route.getMetadata().getName());
        }
        if ("True".equals(accepted.get().get("status")) && "Accepted".equals(accepted.get().get("type"))) {
            return Verdict.ok(type, RouteAccepted, ModelEndpoints.baseUrl(side, model.getSpec(), settings));
        }
        return Verdict.notOk(type, RouteRejected, "the AI Gateway rejected AIGatewayRoute "
                + route.getMetadata().getName() + ": " + accepted.get().getOrDefault("message", ""));
    }

    private Verdict accessControl(Observations seen) {
        if (seen.claimTaken() != null) {
            return Verdict.notOk(ACCESS_CONTROL_CONFIGURED, ModelIdTaken, seen.claimTaken());
        }
        for (var kind : List.of(ChildKind.SECURITY_POLICY, ChildKind.REFERENCE_GRANT, ChildKind.BACKEND_TRAFFIC_POLICY)) {
            if (seen.missingKinds().contains(kind)) {
                return crdMissing(ACCESS_CONTROL_CONFIGURED, kind);
            }
        }
        if (seen.policies().size() < seen.expectedPolicies()) {
            return Verdict.notOk(ACCESS_CONTROL_CONFIGURED, Creating, "the access policies do not exist yet");
        }
        for (var policy : seen.policies()) {
            var name = policy.getKind() + " " + policy.getMetadata().getName();
            var status = policy.getAdditionalProperties().get("status");
            var ancestors = status instanceof Map<?, ?> map && map.get("ancestors") instanceof List<?> list ? list : List.of();
            if (ancestors.isEmpty()) {
                return Verdict.notOk(ACCESS_CONTROL_CONFIGURED, PolicyPending, "waiting for Envoy Gateway to accept " + name);
            }
            for (var ancestor : ancestors) {
                var rejected = conditions(ancestor).stream()
                        .filter(c -> "Accepted".equals(c.get("type")) && !"True".equals(c.get("status")))
                        .findFirst();
                if (rejected.isPresent()) {
                    return Verdict.notOk(ACCESS_CONTROL_CONFIGURED, PolicyRejected, "Envoy Gateway rejected " + name
                            + ": " + rejected.get().getOrDefault("message", ""));
                }
            }
        }
        return Verdict.ok(ACCESS_CONTROL_CONFIGURED, PoliciesAccepted, "API-key, JWT and rate-limit policies are in force");
    }

    private static Readiness ready(Verdicts verdicts, Observations seen) {
        if (seen.applyError() != null) {
            return new Readiness(false, ModelEventReason.ApplyFailed, seen.applyError());
        }
        return verdicts.all().stream().filter(v -> !v.ok()).findFirst()
                .map(v -> new Readiness(false, notReady(v.type()), v.message()))
                .orElse(new Readiness(true, ModelEventReason.Ready, "the model is served"));
    }

    /** {@code Ready}'s reason while the condition of {@code type} does not hold. */
    static ModelEventReason notReady(ConditionType type) {
        return switch (type) {
            case MODEL_AVAILABLE -> ModelEventReason.ModelAvailableNotReady;
            case WORKLOAD_READY -> ModelEventReason.WorkloadReadyNotReady;
            case SCHEDULER_READY -> ModelEventReason.SchedulerReadyNotReady;
            case EXTERNAL_ENDPOINT_READY -> ModelEventReason.ExternalEndpointReadyNotReady;
            case INTERNAL_ENDPOINT_READY -> ModelEventReason.InternalEndpointReadyNotReady;
            case ACCESS_CONTROL_CONFIGURED -> ModelEventReason.AccessControlConfiguredNotReady;
            case READY -> throw new IllegalArgumentException("Ready does not wait for itself");
        };
    }

    private static Phase phase(Verdicts verdicts, Readiness ready) {
        if (ready.ok()) {
            return Phase.Ready;
        }
        var model = verdicts.model().reason();
        var workload = verdicts.workload().reason();
        if (model == DownloadFailed || workload == CrashLoopBackOff || workload == ImagePullBackOff
                || model == ImagePullBackOff) {
            return Phase.Error;
        }
        if (model == Downloading) {
            return Phase.Downloading;
        }
        if (!verdicts.model().ok() || workload == Unschedulable || workload == Creating) {
            return Phase.Pending;
        }
        if (!verdicts.workload().ok()) {
            return Phase.Starting;
        }
        return Phase.Degraded;
    }

    private static Verdict crdMissing(ConditionType type, ChildKind kind) {
        return Verdict.notOk(type, CRDNotInstalled, "CRD " + kind.crd().orElseThrow()
                + " is not installed; install it and the model recovers by itself");
    }

    private static int readyReplicas(Deployment deployment) {
        var status = deployment.getStatus();
        return status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    }

    private static String sideName(EndpointSide side) {
        return side == EndpointSide.EXTERNAL ? "external" : "internal";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> conditions(@Nullable Object holder) {
        if (holder instanceof Map<?, ?> map && map.get("conditions") instanceof List<?> list) {
            return (List<Map<String, Object>>) list;
        }
        return List.of();
    }

    /** A condition that keeps its transition time while its status stays what it was in {@code previous}. */
    private Condition condition(ConditionType type, boolean ok, String reason, String message, LLMModel model,
            @Nullable LLMModelStatus previous) {
        var status = ok ? "True" : "False";
        var since = Optional.ofNullable(previous).stream()
                .flatMap(p -> p.conditions().stream())
                .filter(c -> type.type().equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElseGet(this::now);
        return condition(type, ok, reason, message, model, since);
    }

    private static Condition condition(ConditionType type, boolean ok, String reason, String message, LLMModel model,
            String since) {
        return new ConditionBuilder()
                .withType(type.type())
                .withStatus(ok ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(model.getMetadata().getGeneration())
                .withLastTransitionTime(since)
                .build();
    }

    private String now() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    }

    /** The condition of a type, from a status. */
    static Optional<Condition> find(@Nullable LLMModelStatus status, ConditionType type) {
        return status == null ? Optional.empty()
                : status.conditions().stream().filter(c -> type.type().equals(c.getType())).findFirst();
    }

    static boolean isReady(@Nullable LLMModelStatus status) {
        return find(status, READY).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}
