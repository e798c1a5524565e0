package dev.nebari.llm.reconciliation;

import dev.nebari.llm.manifests.ChildKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.download.fakehub.ContentSource;
import dev.nebari.llm.download.fakehub.FakeFile;
import dev.nebari.llm.download.fakehub.FakeHub;
import dev.nebari.llm.download.fakehub.FakeRepo;
import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.localcluster.SimulatedGatewayControllers;
import dev.nebari.llm.model.DownloadStatus;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.localcluster.SimulatedGatewayControllers;
import dev.nebari.llm.testing.ModelAssert;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's life on the simulated cluster (kube-controller-manager, kube-scheduler and KWOK with a fake GPU
 * node): it goes Pending → Downloading → Starting → Ready, a failing download shows its message, a model that
 * asks for more GPUs than any node has is reported unschedulable, and deleting it leaves nothing behind.
 *
 * <p>No Envoy Gateway or AI Gateway controller runs here, so {@link SimulatedGatewayControllers} (the local demo's
 * stand-in, limited to this test's namespace) marks our routes and policies Accepted the way those controllers do.
 */
@WithKubernetes(controllers = true)
class ModelLifecycleTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static RunningReconciler reconciler;
    static KubernetesClient client;
    static String namespace;
    static SimulatedGatewayControllers gatewayStandIn;
    static java.nio.file.Path kubeconfig;
    static java.nio.file.Path kubectl;

    @BeforeAll
    static void start(TestCluster cluster) {
        // No kubelet serves logs in the simulated cluster: the "life" model's downloader reports 42% through a stub.
        reconciler = new RunningReconciler(cluster, Duration.ofSeconds(2), pod ->
                "life".equals(pod.getMetadata().getLabels().get(ModelObjects.MODEL))
                        ? java.util.Optional.of(DownloadStatus.of(42, 100, 1, 3)) : java.util.Optional.empty());
        kubeconfig = cluster.kubeconfig();
        kubectl = cluster.controlPlane().binaries().kubectl();
        client = reconciler.client;
        namespace = cluster.newNamespace("lifecycle");
        gatewayStandIn = SimulatedGatewayControllers.start(client, namespace);
    }

    @AfterAll
    static void stop() {
        gatewayStandIn.close();
        reconciler.close();
    }

    static LLMModel model(String name, String modelId, int gpus) {
        return ModelFixtures.model(namespace, name, modelId, "resources: {gpu: {count: " + gpus + "}}\naccess: {public: true}");
    }

    @Test
    void aModelGoesFromPendingThroughDownloadingAndStartingToReady() throws Exception {
        var phases = new CopyOnWriteArrayList<Phase>();
        try (var watch = watchPhases("life", phases)) {
            client.resource(model("life", "Qwen/Qwen3-0.6B", 1)).create();

            // live progress while the download runs, in the status and in kubectl get
            var downloading = assertThatModel("life").eventuallyHasStatus(status -> assertThat(status.download()).isNotNull());
            assertThat(downloading.download()).isEqualTo(DownloadStatus.of(42, 100, 1, 3));
            assertThat(kubectlGet("life")).contains("Downloading").contains("42% (1/3 files)");

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(phases)
                    .as("phases; status now: %s", stored("life").get().getStatus())
                    .contains(Phase.Ready));
        }
        assertThat(phases).as("phases seen").containsSubsequence(Phase.Downloading, Phase.Starting, Phase.Ready);
        assertThat(phases.indexOf(Phase.Downloading)).isLessThan(phases.indexOf(Phase.Starting));
        var status = assertThatModel("life").status();
        assertThat(status.replicas().summary()).isEqualTo("1/1");
        assertThat(status.endpoints().external()).isEqualTo("https://llm.example.com/v1");
        assertThat(status.download()).as("progress cleared once downloaded").isNull();
        assertThat(events("life")).extracting(e -> e.get("reason")).contains("Ready", "ModelAvailableNotReady");
        assertThat(events("life")).allSatisfy(e -> assertThat(e.get("type")).as(e.get("reason"))
                .isEqualTo(e.get("reason").equals("Ready") ? "Normal" : "Warning"));
    }

    @Test
    void aFailingDownloadShowsTheDownloadersOwnMessageInModelAvailableAndThePhase(@TempDir Path node) throws Exception {
        client.resource(model("gated", EmbeddedControlPlane.GATED_MODEL, 0)).create();
        // KWOK fails the init container with an exit code only, as a kubelet would for a downloader that wrote
        // no termination message; the downloader itself then runs as rendered, against a Hub that gates the model.
        var pod = await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(namespace)
                .withLabel(ModelObjects.MODEL, "gated").list().getItems().stream()
                .filter(ModelLifecycleTest::downloaderFailed).findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(pod.getStatus().getInitContainerStatuses().getFirst().getLastState().getTerminated().getMessage())
                .as("the simulated cluster says nothing of its own").isNull();
        try (var hub = FakeHub.start(FakeRepo.of(EmbeddedControlPlane.GATED_MODEL,
                FakeFile.git("config.json", ContentSource.of("{}"))))) {
            hub.gate(EmbeddedControlPlane.GATED_MODEL);
            assertThat(DownloaderOnTheNode.run(client, pod, hub, node)).isEqualTo(3);
        }

        assertThatModel("gated").eventuallyHasStatus(status -> {
            assertThat(status.phase()).as("status %s", status).isEqualTo(Phase.Error);
            var available = StatusAggregator.find(status, ConditionType.MODEL_AVAILABLE).orElseThrow();
            assertThat(available.getReason()).isEqualTo("DownloadFailed");
            assertThat(available.getMessage()).contains("model-downloader failed: exit code 3 (Error): ACCESS_DENIED: ")
                    .contains("HTTP 403").contains("gated");
        });
    }

    /** The downloader container as rendered puts each Hub adapter, at its revision, in its directory beside the model. */
    @Test
    void theRenderedDownloaderFetchesTheAdaptersBesideTheBaseModel(@TempDir Path node) throws Exception {
        client.resource(ModelFixtures.model(namespace, "lora-fetch", "org/lora-fetch", "resources: {gpu: {count: 0}}\n"
                + "access: {public: true}\nadapters: [{name: team/sql, repo: acme/sql-lora, revision: v2}, {name: acme/chat-lora}]")).create();
        var pod = await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(namespace)
                .withLabel(ModelObjects.MODEL, "lora-fetch").list().getItems().stream().findFirst(), java.util.Optional::isPresent).orElseThrow();
        var base = FakeRepo.of("org/lora-fetch", FakeFile.git("config.json", ContentSource.of("{\"base\": true}")));
        var sql = new FakeRepo("acme/sql-lora", "v2", "fedcba9876543210fedcba9876543210fedcba98",
                List.of(FakeFile.lfs("adapter_model.safetensors", ContentSource.random(5, 70_000))));
        var chat = FakeRepo.of("acme/chat-lora", FakeFile.git("adapter_config.json", ContentSource.of("{\"r\": 16}")));
        try (var hub = FakeHub.start(base, sql, chat)) {
            assertThat(DownloaderOnTheNode.run(client, pod, hub, node)).isZero();
        }

        var volume = node.resolve("model-volume/model-cache");
        assertThat(volume.resolve("config.json")).hasContent("{\"base\": true}");
        assertThat(volume.resolve("adapters/team/sql/adapter_model.safetensors")).hasSize(70_000);
        assertThat(volume.resolve("adapters/acme/chat-lora/adapter_config.json")).hasContent("{\"r\": 16}");
    }

    /**
     * The downloader container as rendered for a model with a LoRA adapter fetches the base model, then the adapter
     * beside it; an adapter the Hub refuses fails the download with the downloader's message naming the adapter's
     * repository, after the base model is in place.
     */
    @Test
    void anAdapterTheHubRefusesFailsTheDownloadNamingItAfterTheBaseModelIsInPlace(@TempDir Path node) throws Exception {
        client.resource(ModelFixtures.model(namespace, "lora-gated", "org/lora-life", "resources: {gpu: {count: 0}}\n"
                + "access: {public: true}\nadapters: [{name: org/lora-life-sql, repo: " + EmbeddedControlPlane.GATED_MODEL + "}]")).create();
        var pod = await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(namespace)
                .withLabel(ModelObjects.MODEL, "lora-gated").list().getItems().stream()
                .filter(ModelLifecycleTest::downloaderFailed).findFirst(), java.util.Optional::isPresent).orElseThrow();
        var base = FakeRepo.of("org/lora-life", FakeFile.git("config.json", ContentSource.of("{\"architectures\": []}")));
        var adapter = FakeRepo.of(EmbeddedControlPlane.GATED_MODEL, FakeFile.git("adapter_config.json", ContentSource.of("{\"r\": 8}")));
        try (var hub = FakeHub.start(base, adapter)) {
            hub.gate(EmbeddedControlPlane.GATED_MODEL);
            assertThat(DownloaderOnTheNode.run(client, pod, hub, node)).isEqualTo(3);
        }

        assertThat(node.resolve("model-volume/model-cache/config.json")).as("the base model first").hasContent("{\"architectures\": []}");
        assertThat(node.resolve("model-volume/model-cache/adapters/org/lora-life-sql/adapter_config.json")).doesNotExist();
        assertThatModel("lora-gated").eventuallyHasStatus(status -> {
            var available = StatusAggregator.find(status, ConditionType.MODEL_AVAILABLE).orElseThrow();
            assertThat(available.getReason()).isEqualTo("DownloadFailed");
            assertThat(available.getMessage()).contains("model-downloader failed: exit code 3 (Error): ACCESS_DENIED: ")
                    .contains(EmbeddedControlPlane.GATED_MODEL);
        });
    }

    private static boolean downloaderFailed(io.fabric8.kubernetes.api.model.Pod pod) {
        var statuses = pod.getStatus() == null ? null : pod.getStatus().getInitContainerStatuses();
        return statuses != null && statuses.stream().anyMatch(s -> s.getLastState() != null
                && s.getLastState().getTerminated() != null && s.getLastState().getTerminated().getExitCode() != 0);
    }

    @Test
    void aModelAskingForMoreGpusThanAnyNodeHasIsReportedUnschedulable() {
        client.resource(model("huge", "org/huge", 64)).create();

        assertThatModel("huge").eventuallyHasStatus(status -> {
            assertThat(status.phase()).as("status %s", status).isEqualTo(Phase.Pending);
            var workload = StatusAggregator.find(status, ConditionType.WORKLOAD_READY).orElseThrow();
            assertThat(workload.getReason()).isEqualTo("Unschedulable");
            assertThat(workload.getMessage()).contains("nvidia.com/gpu");
        });
    }

    /**
     * The chain an autoscaler relies on, with the real HPA controller: below its minimum the HPA scales the
     * LLMModel through /scale (no metrics needed for that), the operator follows with the Deployment, the pods
     * come up and the status (what /scale reports back to the HPA) counts them.
     */
    @Test
    void theHpaScalesTheModelThroughTheScaleSubresourceAndTheDeploymentAndStatusFollow() {
        client.resource(ModelFixtures.model(namespace, "busy", "org/busy", "resources: {gpu: {count: 0}}\n"
                + "access: {public: true}\nserving: {replicas: 1, autoscaling: {minReplicas: 2, maxReplicas: 3}}")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(stored("busy").get().getSpec().serving().replicas()).as("spec.serving.replicas").isEqualTo(2);
            assertThat(client.apps().deployments().inNamespace(namespace).withName("busy").get().getSpec().getReplicas())
                    .as("Deployment replicas").isEqualTo(2);
            assertThat(stored("busy").get().getStatus().replicas().current()).as("status.replicas.current").isEqualTo(2);
        });
        var hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).withName("busy").get();
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("LLMModel");

        stored("busy").edit(m -> ModelFixtures.model(namespace, "busy", "org/busy",
                "resources: {gpu: {count: 0}}\naccess: {public: true}\nserving: {replicas: 2}"));

        await().atMost(TIMEOUT).until(() ->
                client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).withName("busy").get() == null);
    }

    @Test
    void deletingAModelLeavesNoObjectWithItsLabelInAnyNamespace() {
        client.resource(model("gone", "org/gone", 0)).create();
        await().atMost(TIMEOUT).until(() -> !client.pods().inNamespace(namespace).withLabel(ModelObjects.MODEL, "gone")
                .list().getItems().isEmpty());

        stored("gone").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(stored("gone").get()).isNull();
            assertThat(client.pods().inAnyNamespace().withLabel(ModelObjects.MODEL, "gone").list().getItems()).isEmpty();
            assertThat(client.apps().replicaSets().inAnyNamespace().withLabel(ModelObjects.MODEL, "gone").list().getItems()).isEmpty();
            for (var kind : ChildKind.values()) {
                assertThat(client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inAnyNamespace()
                        .withLabel(ModelObjects.MODEL, "gone").list().getItems()).as(kind.kind()).isEmpty();
            }
        });
    }

    @Test
    void changingTheRevisionRollsThePodsAndTheModelDownloadsAgain() {
        client.resource(pinned("moved", "v1", "")).create();
        await().atMost(TIMEOUT).until(() -> phase("moved") == Phase.Ready);
        var before = client.apps().deployments().inNamespace(namespace).withName("moved").get();
        var phases = new CopyOnWriteArrayList<Phase>();

        try (var watch = watchPhases("moved", phases)) {
            stored("moved").edit(m -> pinned("moved", "v2", ""));

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(replicaSetRevisions("moved")).contains("v2"));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(phases).containsSubsequence(Phase.Downloading, Phase.Ready));
        }
        var after = client.apps().deployments().inNamespace(namespace).withName("moved").get();
        assertThat(identity(after)).isNotEqualTo(identity(before));
        assertThat(after.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
                .satisfies(c -> assertThat(c.getArgs()).containsSequence("--revision", "v2"));
        assertThat(replicaSetRevisions("moved")).as("a new ReplicaSet for the new revision").containsExactlyInAnyOrder("v1", "v2");
        assertThat(client.pods().inNamespace(namespace).withLabel(ModelObjects.MODEL, "moved").list().getItems())
                .as("model pods now")
                .filteredOn(p -> p.getSpec().getInitContainers().stream().anyMatch(c -> c.getArgs().contains("v2")))
                .isNotEmpty();
    }

    @Test
    void aChangeThatDoesNotConcernTheWeightsOrThePodsLeavesThePodTemplateAlone() {
        client.resource(pinned("kept", "v1", "")).create();
        await().atMost(TIMEOUT).until(() -> !replicaSetRevisions("kept").isEmpty());
        var before = client.apps().deployments().inNamespace(namespace).withName("kept").get();

        // a label on the model and a rate limit (which only the gateway's traffic policy carries)
        stored("kept").edit(m -> {
            var edited = pinned("kept", "v1", "limits: {requestsPerMinute: 10}");
            edited.getMetadata().setLabels(java.util.Map.of("team", "research"));
            return edited;
        });
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var model = stored("kept").get();
            assertThat(model.getStatus()).isNotNull();
            assertThat(model.getStatus().observedGeneration()).isEqualTo(model.getMetadata().getGeneration());
            assertThat(client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy")
                    .inNamespace(namespace).withName("kept").get()).isNotNull();
        });

        var after = client.apps().deployments().inNamespace(namespace).withName("kept").get();
        assertThat(after.getMetadata().getGeneration()).as("Deployment generation").isEqualTo(before.getMetadata().getGeneration());
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(replicaSetRevisions("kept")).containsExactly("v1");
    }

    /** The model as stored, to read, edit, delete or watch. */
    static Resource<LLMModel> stored(String name) {
        return client.resources(LLMModel.class).inNamespace(namespace).withName(name);
    }

    static ModelAssert assertThatModel(String name) {
        return ModelAssert.assertThatModel(client, namespace, name).within(TIMEOUT);
    }

    /** A model pinned to a Hugging Face revision. */
    static LLMModel pinned(String name, String revision, String extraSpec) {
        return ModelFixtures.model(namespace, name, "org/" + name, List.of("storage: {size: 10Gi}", "revision: " + revision),
                "access: {public: true}\n" + extraSpec);
    }

    static Phase phase(String model) {
        var status = stored(model).get().getStatus();
        return status == null ? null : status.phase();
    }

    static String identity(io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(ModelObjects.MODEL_IDENTITY_ANNOTATION);
    }

    /** The revision each of the model's ReplicaSets downloads (one entry per ReplicaSet). */
    static List<String> replicaSetRevisions(String model) {
        return client.apps().replicaSets().inNamespace(namespace).withLabel(ModelObjects.MODEL, model)
                .withLabel(ModelObjects.COMPONENT, ModelObjects.Component.MODEL_SERVER.label()).list().getItems().stream()
                .map(rs -> {
                    var args = rs.getSpec().getTemplate().getSpec().getInitContainers().getFirst().getArgs();
                    return args.get(args.indexOf("--revision") + 1);
                })
                .toList();
    }

    static io.fabric8.kubernetes.client.Watch watchPhases(String model, List<Phase> phases) {
        return stored(model).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, LLMModel changed) {
                if (changed.getStatus() != null && changed.getStatus().phase() != null
                        && (phases.isEmpty() || phases.getLast() != changed.getStatus().phase())) {
                    phases.add(changed.getStatus().phase());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private static String kubectlGet(String model) throws Exception {
        var process = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "get", "llm",
                model, "-n", namespace).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    private static List<Map<String, String>> events(String model) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> model.equals(e.getInvolvedObject().getName()) && LLMModel.KIND.equals(e.getInvolvedObject().getKind()))
                .map(e -> Map.of("reason", e.getReason(), "type", e.getType(), "message", e.getMessage()))
                .toList();
    }
}
