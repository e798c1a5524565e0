package dev.nebari.llm.reconciliation;

import dev.nebari.llm.manifests.ChildKind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.model.ServingSpec;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How observations become conditions and a phase. */
class StatusAggregatorTest {

    private final StatusAggregator aggregator = new StatusAggregator(ModelFixtures.settings(),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final LLMModel model = withGeneration(ModelFixtures.referenceModel());

    private static LLMModel withGeneration(LLMModel model) {
        model.getMetadata().setGeneration(3L);
        return model;
    }

    static Observations seen(Deployment workload, List<Pod> pods, Set<ChildKind> missing,
            GenericKubernetesResource route) {
        return new Observations(missing, workload, deployment(1), pods, List.of(), route, route, List.of(), 0,
                List.of(), null, null, null);
    }

    static Deployment deployment(int ready) {
        return new DeploymentBuilder().withNewMetadata().withName("d").endMetadata()
                .withNewStatus().withReadyReplicas(ready).endStatus().build();
    }

    static Pod pod(String initState, String message) {
        var init = new ContainerStatusBuilder().withName("model-downloader");
        switch (initState) {
            case "running" -> init.withNewState().withNewRunning().endRunning().endState();
            case "completed" -> init.withNewState().withNewTerminated().withExitCode(0).endTerminated().endState();
            case "failed" -> init.withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                    .withNewLastState().withNewTerminated().withExitCode(3).withMessage(message).endTerminated().endLastState();
            default -> init.withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState();
        }
        return new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewStatus().withInitContainerStatuses(init.build()).endStatus().build();
    }

    private static Pod unschedulable() {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus()
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                        .withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient nvidia.com/gpu.").build())
                .endStatus().build();
    }

    static GenericKubernetesResource acceptedRoute() {
        return new GenericKubernetesResourceBuilder().withNewMetadata().withName("r").endMetadata()
                .addToAdditionalProperties("status", Map.of("conditions", List.of(Map.of("type", "Accepted", "status", "True"))))
                .build();
    }

    private static String reason(LLMModelStatus status, ConditionType type) {
        return StatusAggregator.find(status, type).orElseThrow().getReason();
    }

    @Test
    void noWorkloadYetIsPending() {
        var status = aggregator.aggregate(model, seen(null, List.of(), Set.of(), null));

        assertThat(status.phase()).isEqualTo(Phase.Pending);
        assertThat(reason(status, ConditionType.WORKLOAD_READY)).isEqualTo("Creating");
        assertThat(status.observedGeneration()).isEqualTo(3L);
        assertThat(status.conditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    }

    @Test
    void aRunningDownloaderMeansDownloading() {
        var status = aggregator.aggregate(model, seen(deployment(0), List.of(pod("running", "")), Set.of(), null));

        assertThat(status.phase()).isEqualTo(Phase.Downloading);
        assertThat(reason(status, ConditionType.MODEL_AVAILABLE)).isEqualTo("Downloading");
    }

    @Test
    void downloadProgressIsShownWhileDownloadingAndClearedAfterwards() {
        var progress = dev.nebari.llm.model.DownloadStatus.of(3L << 30, 8L << 30, 2, 5);
        var downloading = aggregator.aggregate(model, new Observations(Set.of(), deployment(0), deployment(1),
                List.of(pod("running", "")), List.of(), null, null, List.of(), 0, List.of(), null, progress, null));

        assertThat(downloading.download()).isEqualTo(progress);
        assertThat(downloading.download().summary()).isEqualTo("37% (2/5 files)");
        assertThat(downloading.modelSize()).isEqualTo("8.0Gi");
        assertThat(StatusAggregator.find(downloading, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .contains("37% (2/5 files)");

        model.setStatus(downloading);
        var done = aggregator.aggregate(model, seen(deployment(1), List.of(pod("completed", "")), Set.of(), null));
        assertThat(done.download()).isNull();
        assertThat(done.modelSize()).as("size stays known").isEqualTo("8.0Gi");
    }

    @Test
    void aFailedDownloadIsAnErrorWithTheDownloadersMessage() {
        var status = aggregator.aggregate(model, seen(deployment(0),
                List.of(pod("failed", "401 Unauthorized: token rejected")), Set.of(), null));

        assertThat(status.phase()).isEqualTo(Phase.Error);
        var condition = StatusAggregator.find(status, ConditionType.MODEL_AVAILABLE).orElseThrow();
        assertThat(condition.getReason()).isEqualTo("DownloadFailed");
        assertThat(condition.getMessage()).contains("exit code 3").contains("401 Unauthorized: token rejected");
    }

    // --- LoRA adapters: more init containers that put weights on the volume ---

    static LLMModel withAdapters(String modelFields, String adapters) {
        return withGeneration(ModelFixtures.model("team-a", "qwen3", "Qwen/Qwen3-0.6B",
                List.of(modelFields), "access: {public: true}\nadapters: " + adapters));
    }

    static Pod initContainers(java.util.Map<String, String> states) {
        var statuses = new java.util.ArrayList<io.fabric8.kubernetes.api.model.ContainerStatus>();
        states.forEach((name, state) -> {
            var init = new ContainerStatusBuilder().withName(name);
            switch (state) {
                case "running" -> init.withNewState().withNewRunning().endRunning().endState();
                case "completed" -> init.withNewState().withNewTerminated().withExitCode(0).endTerminated().endState();
                case "failed" -> init.withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                        .withNewLastState().withNewTerminated().withExitCode(1).withMessage("cp: cannot stat '/models/.'").endTerminated().endLastState();
                default -> init.withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState();
            }
            statuses.add(init.build());
        });
        return new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewStatus().withInitContainerStatuses(statuses).endStatus().build();
    }

    @Test
    void theDownloaderSaysItFetchesTheModelThenItsHubAdapters() {
        var lora = withAdapters("storage: {size: 20Gi}", "[{name: team-a/sql, repo: acme/sql-lora}, {name: team-a/legal, source: oci, image: r.example.com/legal:1}]");

        var status = aggregator.aggregate(lora, seen(deployment(0),
                List.of(initContainers(linked("model-downloader", "running", "adapter-copy-1", "waiting"))), Set.of(), null));

        assertThat(StatusAggregator.find(status, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .isEqualTo("downloading Qwen/Qwen3-0.6B, then adapter team-a/sql (acme/sql-lora)");
    }

    @Test
    void whileAnAdapterDownloadsTheMessageNamesItAndTheModelKeepsItsOwnSize() {
        var lora = withAdapters("storage: {size: 20Gi}", "[{name: team-a/sql, repo: acme/sql-lora}]");
        var running = List.of(initContainers(linked("model-downloader", "running")));
        var base = aggregator.aggregate(lora, new Observations(Set.of(), deployment(0), deployment(1), running, List.of(),
                null, null, List.of(), 0, List.of(), null, dev.nebari.llm.model.DownloadStatus.of(1L << 30, 8L << 30, 1, 5, "Qwen/Qwen3-0.6B"), null));
        lora.setStatus(base);

        var adapter = aggregator.aggregate(lora, new Observations(Set.of(), deployment(0), deployment(1), running, List.of(),
                null, null, List.of(), 0, List.of(), null, dev.nebari.llm.model.DownloadStatus.of(10L << 20, 40L << 20, 0, 2, "acme/sql-lora"), null));

        assertThat(StatusAggregator.find(base, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .isEqualTo("downloading Qwen/Qwen3-0.6B: 12% (1/5 files)");
        assertThat(base.modelSize()).isEqualTo("8.0Gi");
        assertThat(StatusAggregator.find(adapter, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .isEqualTo("downloading adapter team-a/sql (acme/sql-lora): 25% (0/2 files)");
        assertThat(adapter.download().repository()).isEqualTo("acme/sql-lora");
        assertThat(adapter.modelSize()).as("the model's size, not the adapter's").isEqualTo("8.0Gi");
    }

    @Test
    void theModelIsAvailableOnlyOnceTheLastAdapterIsInPlace() {
        var lora = withAdapters("storage: {size: 20Gi}", "[{name: team-a/sql}, {name: team-a/legal, source: oci, image: r.example.com/legal:1}]");

        var copying = aggregator.aggregate(lora, seen(deployment(0),
                List.of(initContainers(linked("model-downloader", "completed", "adapter-copy-1", "running"))), Set.of(), null));
        var done = aggregator.aggregate(lora, seen(deployment(0),
                List.of(initContainers(linked("model-downloader", "completed", "adapter-copy-1", "completed"))), Set.of(), null));

        assertThat(StatusAggregator.find(copying, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .isEqualTo("copying adapter team-a/legal from r.example.com/legal:1");
        assertThat(copying.phase()).isEqualTo(Phase.Downloading);
        var available = StatusAggregator.find(done, ConditionType.MODEL_AVAILABLE).orElseThrow();
        assertThat(available.getReason()).isEqualTo("Downloaded");
        assertThat(available.getMessage()).isEqualTo("the weights of Qwen/Qwen3-0.6B and its 2 adapters are in place");
    }

    @Test
    void aFailedAdapterCopyIsADownloadFailureNamingItsContainer() {
        var lora = withAdapters("storage: {size: 20Gi}", "[{name: team-a/legal, source: oci, image: r.example.com/legal:1}]");

        var status = aggregator.aggregate(lora, seen(deployment(0),
                List.of(initContainers(linked("model-downloader", "completed", "adapter-copy-0", "failed"))), Set.of(), null));

        assertThat(status.phase()).isEqualTo(Phase.Error);
        var condition = StatusAggregator.find(status, ConditionType.MODEL_AVAILABLE).orElseThrow();
        assertThat(condition.getReason()).isEqualTo("DownloadFailed");
        assertThat(condition.getMessage()).contains("adapter-copy-0 failed").contains("cp: cannot stat");
    }

    @Test
    void withoutPreloadTheDownloaderRunsForTheAdaptersOnly() {
        var lora = withAdapters("preload: false", "[{name: team-a/sql}]");

        var downloading = aggregator.aggregate(lora, seen(deployment(0),
                List.of(initContainers(linked("model-downloader", "running"))), Set.of(), null));
        var done = aggregator.aggregate(lora, seen(deployment(0),
                List.of(initContainers(linked("model-downloader", "completed"))), Set.of(), null));

        assertThat(StatusAggregator.find(downloading, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .isEqualTo("downloading adapter team-a/sql");
        assertThat(StatusAggregator.find(done, ConditionType.MODEL_AVAILABLE).orElseThrow().getMessage())
                .isEqualTo("the adapters are in place; preload is off: vLLM fetches the weights of Qwen/Qwen3-0.6B when it starts");
    }

    private static java.util.Map<String, String> linked(String... namesAndStates) {
        var map = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndStates.length; i += 2) {
            map.put(namesAndStates[i], namesAndStates[i + 1]);
        }
        return map;
    }

    @Test
    void podsThatCannotBeScheduledAreReportedWithTheSchedulersReason() {
        var status = aggregator.aggregate(model, seen(deployment(0), List.of(unschedulable()), Set.of(), null));

        assertThat(status.phase()).isEqualTo(Phase.Pending);
        assertThat(StatusAggregator.find(status, ConditionType.WORKLOAD_READY).orElseThrow().getMessage())
                .contains("Insufficient nvidia.com/gpu");
    }

    @Test
    void replicasThatShareAReadWriteOnceVolumeAreWarnedAboutInStatus() {
        var scaled = withGeneration(ModelFixtures.withSpec(model, spec -> {
            var s = spec.serving();
            var threeReplicas = new ServingSpec(s.image(), s.command(), 3, s.tensorParallelism(), s.dataParallelism(),
                    s.vllmArgs(), s.updateStrategy(), s.monitoring(), s.imagePullSecrets(), s.autoscaling());
            return new LLMModelSpec(spec.model(), spec.resources(), threeReplicas, spec.access(), spec.endpoints(),
                    spec.limits(), spec.advanced(), spec.traffic(), spec.adapters());
        }));
        var status = aggregator.aggregate(scaled, seen(deployment(1), List.of(pod("completed", "")), Set.of(), acceptedRoute()));

        assertThat(status.replicas().summary()).isEqualTo("1/3");
        assertThat(status.replicas().warning()).startsWith("spec.serving.replicas is 3 but the model volume is a ReadWriteOnce PVC");
        assertThat(StatusAggregator.find(status, ConditionType.WORKLOAD_READY).orElseThrow().getMessage())
                .startsWith("1/3 vLLM replicas ready; spec.serving.replicas is 3").contains("Multi-Attach error");
        assertThat(aggregator.aggregate(model, seen(deployment(1), List.of(), Set.of(), null)).replicas().warning()).isNull();
    }

    @Test
    void aMissingCrdNamesTheCrd() {
        var status = aggregator.aggregate(model, seen(deployment(1), List.of(pod("completed", "")),
                Set.of(ChildKind.INFERENCE_POOL), null));

        var condition = StatusAggregator.find(status, ConditionType.SCHEDULER_READY).orElseThrow();
        assertThat(condition.getReason()).isEqualTo("CRDNotInstalled");
        assertThat(condition.getMessage()).contains("inferencepools.inference.networking.k8s.io");
        assertThat(status.phase()).isEqualTo(Phase.Degraded);
    }

    @Test
    void readyOnlyWhenEveryConditionHolds() {
        var status = aggregator.aggregate(model, seen(deployment(1), List.of(pod("completed", "")), Set.of(), acceptedRoute()));

        assertThat(status.conditions()).allSatisfy(c -> assertThat(c.getStatus()).as(c.getType()).isEqualTo("True"));
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.replicas().summary()).isEqualTo("1/1");
    }

    @Test
    void readyNamesTheFirstConditionThatDoesNotHoldAsTheEventsDo() {
        var status = aggregator.aggregate(model, seen(deployment(0), List.of(pod("running", "")), Set.of(), null));

        assertThat(reason(status, ConditionType.READY)).isEqualTo("ModelAvailableNotReady");
        for (var type : ConditionType.values()) {
            if (type != ConditionType.READY) {
                assertThat(StatusAggregator.notReady(type).name()).isEqualTo(type.type() + "NotReady");
            }
        }
    }

    @Test
    void aModelInANamespaceThePackDoesNotManageHasOnlyReadyFalseAndKeepsItsTime() {
        var status = aggregator.notManaged(model);

        assertThat(status.phase()).isEqualTo(Phase.Pending);
        assertThat(status.conditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("NamespaceNotManaged");
            assertThat(c.getMessage()).isEqualTo("namespace " + model.getMetadata().getNamespace()
                    + " is not managed: label it nebari.dev/managed=true or add it to watchNamespaces");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(c.getObservedGeneration()).isEqualTo(3L);
        });
        model.setStatus(status);
        var later = new StatusAggregator(ModelFixtures.settings(), Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC));
        assertThat(later.notManaged(model)).as("still unmanaged: no status write").isEqualTo(status);
    }

    @Test
    void anUnchangedObservationYieldsAnEqualStatus() {
        var first = aggregator.aggregate(model, seen(deployment(0), List.of(pod("running", "")), Set.of(), null));
        model.setStatus(first);
        var later = new StatusAggregator(ModelFixtures.settings(), Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC))
                .aggregate(model, seen(deployment(0), List.of(pod("running", "")), Set.of(), null));

        assertThat(later).as("transition times kept, so no status write").isEqualTo(first);
    }
}
