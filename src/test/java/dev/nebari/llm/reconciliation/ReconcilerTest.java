package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.testing.ModelAssert;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against a real API server with the upstream CRDs: it creates every object of a model, costs no
 * write in steady state, puts back what is deleted by hand, follows spec changes, degrades and recovers when a
 * CRD is missing, and leaves nothing behind when the model is deleted.
 */
@WithKubernetes
class ReconcilerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static RunningReconciler reconciler;
    static KubernetesClient client;
    static KubernetesRequestCounter requests;
    static ModelController controller;
    static String namespace;

    @BeforeAll
    static void startReconciler(TestCluster cluster) {
        reconciler = new RunningReconciler(cluster, Duration.ofSeconds(30));
        client = reconciler.client;
        requests = reconciler.requests;
        controller = reconciler.controller;
        namespace = cluster.newNamespace("reconcile");
    }

    @AfterAll
    static void stopReconciler() {
        reconciler.close();
    }

    /** Each model its own id: models that share one compete for it ({@link ModelIdClaims}). */
    static LLMModel model(String name, String extraSpec) {
        return model(name, "org/" + name, extraSpec);
    }

    static LLMModel model(String name, String modelId, String extraSpec) {
        return ModelFixtures.model(namespace, name, modelId,
                "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}\n" + extraSpec);
    }

    /** The model as stored, to edit or delete. */
    static Resource<LLMModel> stored(String name) {
        return client.resources(LLMModel.class).inNamespace(namespace).withName(name);
    }

    static ModelAssert assertThatModel(String name) {
        return ModelAssert.assertThatModel(client, namespace, name).within(TIMEOUT);
    }

    static List<GenericKubernetesResource> children(String model, String apiVersion, String kind) {
        return client.genericKubernetesResources(apiVersion, kind).inAnyNamespace()
                .withLabel(ModelObjects.MODEL, model).list().getItems();
    }

    static long reconciles() {
        return reconciler.reconciles();
    }

    /**
     * Waits until no model has been reconciled or due for five seconds. When an earlier test class started the
     * simulated cluster, pods of these models move through their stages for a few seconds (real changes, which
     * rightly cause status writes); steady state begins after that.
     */
    static void awaitQuiet() {
        reconciler.awaitQuiet();
    }

    @Test
    void createsEveryObjectOfTheModelWithOwnerReferencesAndStatus() {
        client.resource(model("alpha", "")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(children("alpha", "apps/v1", "Deployment")).extracting(d -> d.getMetadata().getName())
                    .containsExactlyInAnyOrder("alpha", "alpha-epp");
            assertThat(children("alpha", "v1", "Service")).hasSize(2);
            assertThat(children("alpha", "v1", "PersistentVolumeClaim")).hasSize(1);
            assertThat(children("alpha", "inference.networking.k8s.io/v1", "InferencePool")).hasSize(1);
            assertThat(children("alpha", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute"))
                    .extracting(r -> r.getMetadata().getName()).containsExactlyInAnyOrder("alpha-external", "alpha-internal");
            assertThat(children("alpha", "gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")).isNotEmpty();
            assertThat(children("alpha", "gateway.networking.k8s.io/v1beta1", "ReferenceGrant")).hasSize(1);
        });
        var internalPolicy = client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                .inNamespace(namespace).withName("alpha-internal").get();
        assertThat(client.getKubernetesSerialization().asJson(internalPolicy)).contains(reconciler.issuer.jwksUri());
        var deployment = client.apps().deployments().inNamespace(namespace).withName("alpha").get();
        assertThat(deployment.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getKind()).isEqualTo("LLMModel"));
        assertThatModel("alpha").eventuallyHasStatus(status -> {
            assertThat(status.conditions()).extracting(c -> c.getType()).contains("Ready", "ModelAvailable",
                    "WorkloadReady", "SchedulerReady", "ExternalEndpointReady", "InternalEndpointReady",
                    "AccessControlConfigured");
            assertThat(status.endpoints().model()).isEqualTo("org/alpha");
            assertThat(status.replicas().summary()).isEqualTo("0/1");
        });
    }

    @Test
    void steadyStateCostsNoWrites() throws Exception {
        client.resource(model("steady", "")).create();
        // every example model too: each exercises other fields that must compare equal after the API server's defaults
        for (var example : ModelFixtures.llmModelExamples()) {
            for (var document : java.nio.file.Files.readString(example).split("(?m)^---\\s*$")) {
                if (!document.contains("kind: " + LLMModel.KIND)) {
                    continue;
                }
                var model = ModelFixtures.parse(document);
                model.getMetadata().setNamespace(namespace);
                model.getMetadata().setName("ex-" + model.getMetadata().getName());
                client.resource(model).create();
            }
        }
        await().atMost(TIMEOUT).until(() -> !children("steady", "apps/v1", "Deployment").isEmpty());
        awaitQuiet();

        var writesBefore = requests.writes();
        var reconcilesBefore = reconciles();
        var models = client.resources(LLMModel.class).inAnyNamespace().list().getItems().size();
        controller.resyncAll();
        await().atMost(TIMEOUT).until(() -> reconciles() >= reconcilesBefore + models);
        awaitQuiet();

        var writes = requests.writes() - writesBefore;
        var recent = requests.recentWrites();
        assertThat(writes).as("writes during a resync of unchanged models: %s",
                recent.subList(recent.size() - (int) Math.min(writes, recent.size()), recent.size())).isZero();
    }

    @Test
    void aNewModelCostsOneApplyPerObjectAndReadsOnlyTheRoutesItsPoliciesName() {
        awaitQuiet();
        var before = requests.byVerbAndResource();
        client.resource(model("counted", "")).create();
        await().atMost(TIMEOUT).until(() -> children("counted", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute").size() == 2);
        awaitQuiet();

        var sent = new java.util.TreeMap<String, Long>();
        requests.byVerbAndResource().forEach((request, count) -> {
            var more = count - before.getOrDefault(request, 0L);
            if (more > 0 && !request.contains("llmmodels") && !request.startsWith("WATCH") && !request.startsWith("LIST")) {
                sent.put(request, more);
            }
        });
        var objects = java.util.Arrays.stream(ChildKind.values()).filter(kind -> !kind.providerOnly())
                .mapToLong(kind -> children("counted", kind.apiVersion(), kind.kind()).size()).sum();
        var applies = sent.entrySet().stream().filter(e -> e.getKey().startsWith("APPLY ")).mapToLong(Map.Entry::getValue).sum();
        assertThat(applies).as("one apply per object, no second write: %s", sent).isEqualTo(objects);
        // The policies are applied before the routes they name, so only the routes' names are read; every other
        // object is created where its name is free without a read first.
        var reads = new java.util.TreeMap<>(sent);
        reads.keySet().removeIf(request -> !request.startsWith("GET "));
        assertThat(reads).as("reads of the model's objects").containsExactlyEntriesOf(Map.of("GET aigatewayroutes", 2L));
    }

    @Test
    void aBurstOfKeyChangesOfOneModelIsGatheredIntoOnePass() throws InterruptedException {
        client.resource(model("burst", "")).create();
        await().atMost(TIMEOUT).until(() -> !children("burst", "apps/v1", "Deployment").isEmpty());
        awaitQuiet();

        var workloadAndPicker = versionsOfWorkloadAndPicker("burst");
        var before = reconciles();
        // ten mints 40 ms apart, as a class handing out keys: each used to cost a pass and a policy apply
        for (int i = 0; i < 10; i++) {
            controller.onKeysChanged(new dev.nebari.llm.keys.events.KeysChanged(namespace, "burst"));
            Thread.sleep(40);
        }
        await().atMost(TIMEOUT).until(() -> reconciles() > before);
        awaitQuiet();
        assertThat(reconciles() - before).as("passes for ten key changes within %s", ModelController.KEY_CHANGES_GATHERED)
                .isBetween(1L, 2L);
        // such a pass does not render the workload and the picker: it must neither delete nor rewrite them
        assertThat(versionsOfWorkloadAndPicker("burst")).isEqualTo(workloadAndPicker);
    }

    /** Each Deployment, Service, ServiceAccount and ConfigMap of the model by name, with its uid and resource version. */
    static Map<String, String> versionsOfWorkloadAndPicker(String model) {
        var versions = new TreeMap<String, String>();
        for (var kind : List.of("Deployment", "Service", "ServiceAccount", "ConfigMap")) {
            var apiVersion = kind.equals("Deployment") ? "apps/v1" : "v1";
            children(model, apiVersion, kind).forEach(object -> versions.put(kind + "/" + object.getMetadata().getName(),
                    object.getMetadata().getUid() + "@" + object.getMetadata().getResourceVersion()));
        }
        assertThat(versions.keySet()).as("the workload's and the picker's objects")
                .contains("Deployment/" + model, "Service/" + model, "ServiceAccount/" + model);
        return versions;
    }

    @Test
    void anObjectDeletedByHandComesBack() {
        client.resource(model("phoenix", "")).create();
        await().atMost(TIMEOUT).until(() -> client.services().inNamespace(namespace).withName("phoenix").get() != null);
        var uid = client.services().inNamespace(namespace).withName("phoenix").get().getMetadata().getUid();

        client.services().inNamespace(namespace).withName("phoenix").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            var service = client.services().inNamespace(namespace).withName("phoenix").get();
            assertThat(service).isNotNull();
            assertThat(service.getMetadata().getUid()).isNotEqualTo(uid);
        });
    }

    @Test
    void anObjectEditedByHandIsPutBackAfterPassesThatFoundItAsDesired() {
        client.resource(model("edited", "")).create();
        await().atMost(TIMEOUT).until(() -> client.services().inNamespace(namespace).withName("edited").get() != null);
        awaitQuiet();
        // passes that find the Service and the internal policy as desired remember them (a resync and a key change,
        // which stamps and compares only the external policy); the edits below must still be seen as changes
        var reconciles = reconciles();
        controller.resyncAll();
        await().atMost(TIMEOUT).until(() -> reconciles() > reconciles);
        awaitQuiet();
        var keyChanged = reconciles();
        controller.onKeysChanged(new dev.nebari.llm.keys.events.KeysChanged(namespace, "edited"));
        await().atMost(TIMEOUT).until(() -> reconciles() > keyChanged);
        awaitQuiet();
        var selector = client.services().inNamespace(namespace).withName("edited").get().getSpec().getSelector();

        client.services().inNamespace(namespace).withName("edited").edit(service -> {
            service.getSpec().setSelector(Map.of("app", "elsewhere"));
            return service;
        });
        var internalPolicy = client.genericKubernetesResources("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")
                .inNamespace(namespace).withName("edited-internal");
        internalPolicy.edit(policy -> {
            @SuppressWarnings("unchecked")
            var authorization = (Map<String, Object>) dev.nebari.llm.platform.GenericResources.spec(policy).get("authorization");
            authorization.put("defaultAction", "Allow");
            return policy;
        });

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.services().inNamespace(namespace).withName("edited").get().getSpec().getSelector())
                    .isEqualTo(selector);
            assertThat(ObjectTree.of(internalPolicy.get()).at("spec.authorization.defaultAction")).isEqualTo("Deny");
        });
    }


    @Test
    void aSpecChangeReachesTheWorkloadAfterPassesThatSkippedIt() {
        client.resource(model("respecced", "")).create();
        await().atMost(TIMEOUT).until(() -> client.apps().deployments().inNamespace(namespace).withName("respecced").get() != null);
        awaitQuiet();
        // passes of an unchanged model (a resync, a key change, a status write) neither hash nor compare its workload
        var reconciles = reconciles();
        controller.resyncAll();
        await().atMost(TIMEOUT).until(() -> reconciles() > reconciles);
        awaitQuiet();

        stored("respecced").edit(m -> model("respecced", "serving: {image: registry.example.com/vllm:respecced}\n"));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.apps().deployments().inNamespace(namespace)
                .withName("respecced").get().getSpec().getTemplate().getSpec().getContainers())
                .anySatisfy(container -> assertThat(container.getImage()).isEqualTo("registry.example.com/vllm:respecced")));
    }

    @Test
    void aReplicaCountSetThroughTheScaleSubresourceIsKeptAcrossReconcilesAndReported() {
        client.resource(model("scaled", "")).create();
        await().atMost(TIMEOUT).until(() -> client.apps().deployments().inNamespace(namespace).withName("scaled").get() != null);

        stored("scaled").scale(3);

        await().atMost(TIMEOUT).until(() -> deploymentReplicas("scaled") == 3);
        // another pass (it puts back a deleted Service) applies the Deployment again: the 3 stays
        var uid = client.services().inNamespace(namespace).withName("scaled").get().getMetadata().getUid();
        client.services().inNamespace(namespace).withName("scaled").delete();
        await().atMost(TIMEOUT).until(() -> {
            var service = client.services().inNamespace(namespace).withName("scaled").get();
            return service != null && !service.getMetadata().getUid().equals(uid);
        });
        assertThat(deploymentReplicas("scaled")).isEqualTo(3);
        assertThat(stored("scaled").scale().getSpec().getReplicas()).isEqualTo(3);
        assertThatModel("scaled").eventuallyHasStatus(status -> {
            assertThat(status.replicas().desired()).isEqualTo(3);
            assertThat(status.replicas().selector()).isEqualTo(
                    ModelObjects.MODEL + "=scaled," + ModelObjects.COMPONENT + "=model-server");
        });
    }

    static int deploymentReplicas(String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get().getSpec().getReplicas();
    }

    @Test
    void addingAndRemovingLimitsCreatesAndDeletesTheRateLimitPolicy() {
        client.resource(model("limited", "")).create();
        await().atMost(TIMEOUT).until(() -> !children("limited", "apps/v1", "Deployment").isEmpty());
        assertThat(children("limited", "gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy")).isEmpty();

        stored("limited").edit(m -> model("limited", "limits:\n  requestsPerMinute: 10\n"));
        await().atMost(TIMEOUT).until(() -> children("limited", "gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy").size() == 1);

        stored("limited").edit(m -> model("limited", ""));
        await().atMost(TIMEOUT).until(() -> children("limited", "gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy").isEmpty());
    }

    @Test
    void anObjectUnderTheModelsNameThatIsNotOursIsNeverTakenOver() {
        // the team's own web Service, before anyone creates an LLMModel called "web"
        client.services().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("web").withLabels(Map.of("app", "web")).endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web")).addNewPort().withPort(80).endPort().endSpec()
                .build()).create();

        client.resource(model("web", "")).create();

        assertThatModel("web").eventuallyHasStatus(status -> {
            var ready = StatusAggregator.find(status, ConditionType.READY).orElseThrow();
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getMessage()).contains("Service " + namespace + "/web already exists and is not this model's");
        });
        var service = client.services().inNamespace(namespace).withName("web").get();
        assertThat(service.getSpec().getSelector()).containsExactlyEntriesOf(Map.of("app", "web"));
        assertThat(service.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(service.getMetadata().getManagedFields()).noneMatch(f -> f.getManager().equals(ModelReconciler.FIELD_MANAGER));
        assertThat(children("web", "apps/v1", "Deployment")).as("nothing of the model is applied beside it").isEmpty();

        stored("web").delete();
        assertThatModel("web").eventuallyIsGone();
        assertThat(client.services().inNamespace(namespace).withName("web").get()).as("the team's Service stays").isNotNull();
    }

    // --- aliases and revisions (docs/aliases-and-revisions.md) ---

    static GenericKubernetesResource route(String name) {
        return client.genericKubernetesResources("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")
                .inNamespace(namespace).withName(name).get();
    }

    /** The one rule of a route: its matched model ids and its backends as {@code name=weight} (pools as {@code pool:name}). */
    @SuppressWarnings("unchecked")
    static List<String> ruleOf(String routeName) {
        var found = route(routeName);
        if (found == null) {
            return List.of();
        }
        var rule = (Map<String, Object>) ((List<Object>) dev.nebari.llm.platform.GenericResources.spec(found).get("rules")).getFirst();
        var described = new java.util.ArrayList<String>();
        for (var match : (List<Map<String, Object>>) rule.get("matches")) {
            described.add("id:" + ((List<Map<String, Object>>) match.get("headers")).getFirst().get("value"));
        }
        for (var ref : (List<Map<String, Object>>) rule.get("backendRefs")) {
            described.add("InferencePool".equals(ref.get("kind")) ? "pool:" + ref.get("name") : ref.get("name") + "=" + ref.get("weight"));
        }
        return described;
    }

    @Test
    void anAliasIsMatchedByTheModelsRuleAndServedByItsVllm() {
        client.resource(ModelFixtures.model(namespace, "aliased", "org/aliased-7b",
                List.of("storage: {size: 10Gi}", "aliases: [chat-default, org/aliased-latest]"),
                "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}")).create();

        // both routes, awaited: they are applied one after the other
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(ruleOf("aliased-external"))
                    .containsExactly("id:org/aliased-7b", "id:chat-default", "id:org/aliased-latest", "pool:aliased");
            assertThat(ruleOf("aliased-internal")).isEqualTo(ruleOf("aliased-external"));
        });
        // the workload too: a pass applies its objects one after the other, and the routes may come first
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var deployment = client.apps().deployments().inNamespace(namespace).withName("aliased").get();
            assertThat(deployment).as("the vLLM Deployment").isNotNull();
            var args = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs();
            assertThat(String.join(" ", args)).contains("--served-model-name org/aliased-7b chat-default org/aliased-latest --");
        });
        assertThat(children("aliased", "aigateway.envoyproxy.io/v1beta1", "AIServiceBackend")).as("no weights, no backend").isEmpty();
    }

    /**
     * Two weighted revisions of one id: the API server accepts routes whose one rule lists both revisions' weighted
     * backends (AI Gateway's CEL allows several AIServiceBackends per rule, but one InferencePool), each revision
     * renders the same rule, a weight change reaches both, and when one revision goes the other's route returns to
     * its pool.
     */
    @Test
    void weightedRevisionsOfOneIdRenderTheSameSplitAndFollowWeightChangesAndDeletion() {
        client.resource(model("blue", "org/rollout-7b", "traffic: {weight: 90}")).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ruleOf("blue-external")).containsExactly("id:org/rollout-7b", "pool:blue"));
        assertThat(children("blue", "aigateway.envoyproxy.io/v1beta1", "AIServiceBackend")).as("ready for a second revision")
                .extracting(b -> b.getMetadata().getName()).containsExactly("blue-weighted");
        assertThat(children("blue", "gateway.envoyproxy.io/v1alpha1", "Backend")).singleElement()
                .satisfies(b -> assertThat(client.getKubernetesSerialization().asJson(b)).contains(
                        "\"hostname\":\"blue." + namespace + ".svc.cluster.local\"", "\"port\":8000"));

        client.resource(model("green", "org/rollout-7b", "traffic: {weight: 10}")).create();

        var split = List.of("id:org/rollout-7b", "blue-weighted=90", "green-weighted=10");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(ruleOf("blue-external")).containsExactlyElementsOf(split);
            assertThat(ruleOf("blue-internal")).containsExactlyElementsOf(split);
            assertThat(ruleOf("green-external")).containsExactlyElementsOf(split);
            assertThat(ruleOf("green-internal")).containsExactlyElementsOf(split);
        });
        assertThatModel("green").eventuallyHasStatus(status -> assertThat(
                StatusAggregator.find(status, ConditionType.EXTERNAL_ENDPOINT_READY).orElseThrow().getReason()).isNotEqualTo("ModelIdTaken"));

        ModelFixtures.editSpec(stored("green"), spec -> new dev.nebari.llm.model.LLMModelSpec(spec.model(), spec.resources(),
                    spec.serving(), spec.access(), spec.endpoints(), spec.limits(), spec.advanced(),
                    new dev.nebari.llm.model.TrafficSpec(100), spec.adapters()));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(ruleOf("blue-external")).containsExactly("id:org/rollout-7b", "blue-weighted=90", "green-weighted=100");
            assertThat(ruleOf("green-external")).containsExactly("id:org/rollout-7b", "blue-weighted=90", "green-weighted=100");
        });

        stored("blue").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ruleOf("green-external"))
                .containsExactly("id:org/rollout-7b", "pool:green"));
        stored("green").delete();
        assertThatModel("green").eventuallyIsGone();
    }

    /** Access stays per model: a revision that would let other callers in is not routed, and says why. */
    @Test
    void aRevisionThatDiffersInAccessGetsNoRoutesAndItsStatusNamesBothModels() {
        client.resource(model("strict-a", "org/strict-7b", "traffic: {weight: 50}")).create();
        await().atMost(TIMEOUT).until(() -> route("strict-a-external") != null);

        // named to sort after strict-a: creation times have a resolution of one second, and a tie goes by name
        client.resource(ModelFixtures.model(namespace, "strict-b", "org/strict-7b",
                "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users, interns]}\ntraffic: {weight: 50}")).create();

        assertThatModel("strict-b").eventuallyHasStatus(status -> {
            var external = StatusAggregator.find(status, ConditionType.EXTERNAL_ENDPOINT_READY).orElseThrow();
            assertThat(external.getReason()).isEqualTo("ModelIdTaken");
            assertThat(external.getMessage()).startsWith("LLMModel " + namespace + "/strict-b and LLMModel " + namespace
                    + "/strict-a serve model id \"org/strict-7b\" as revisions but differ in spec.access;");
        });
        assertThat(children("strict-b", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")).isEmpty();
        assertThat(ruleOf("strict-a-external")).as("the older keeps its route, unsplit").containsExactly("id:org/strict-7b", "pool:strict-a");
        stored("strict-b").delete();
        stored("strict-a").delete();
    }

    @Test
    void aModelWithLoraAdaptersGetsThemDownloadedServedAndRoutedUnderTheirIds() {
        client.resource(model("lora", "org/lora-base", """
                adapters:
                - {name: org/lora-sql, repo: acme/sql-lora, revision: v1}
                - {name: org/lora-legal, source: oci, image: registry.example.com/legal-lora:1}""")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(children("lora", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute"))
                .hasSize(2).allSatisfy(route -> assertThat(ObjectTree.of(route).list("spec.rules[0].matches"))
                        .extracting(match -> new ObjectTree(castMap(match)).at("headers[0].value"))
                        .containsExactly("org/lora-base", "org/lora-sql", "org/lora-legal")));
        // a pass applies the Deployments last: wait for it as for the routes
        await().atMost(TIMEOUT).until(() -> client.apps().deployments().inNamespace(namespace).withName("lora").get() != null);
        var pod = client.apps().deployments().inNamespace(namespace).withName("lora").get().getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).extracting(c -> c.getName())
                .containsExactly("model-downloader", "adapter-copy-1");
        assertThat(pod.getInitContainers().getFirst().getArgs()).containsSubsequence(
                "--repo", "org/lora-base", "--target", "/model-cache",
                "--repo", "acme/sql-lora", "--revision", "v1", "--target", "/model-cache/adapters/org/lora-sql");
        assertThat(pod.getContainers().getFirst().getArgs()).containsSubsequence("--enable-lora", "--lora-modules",
                "org/lora-sql=/model-cache/adapters/org/lora-sql", "org/lora-legal=/model-cache/adapters/org/lora-legal");
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> castMap(Object value) {
        return (java.util.Map<String, Object>) value;
    }

    @Test
    void anAdapterIdAnOlderModelServesKeepsTheYoungerModelOffTheGateway() {
        // Creation times have whole seconds; on a tie the name decides, so the elder's name sorts first.
        client.resource(model("adapter-elder", "org/adapter-elder", "adapters: [{name: org/contested-adapter}]")).create();
        await().atMost(TIMEOUT).until(() -> children("adapter-elder", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute").size() == 2);

        client.resource(model("adapter-younger", "org/adapter-younger", "adapters: [{name: org/contested-adapter}]")).create();

        assertThatModel("adapter-younger").eventuallyHasStatus(status -> {
            var external = StatusAggregator.find(status, ConditionType.EXTERNAL_ENDPOINT_READY).orElseThrow();
            assertThat(external.getReason()).isEqualTo("ModelIdTaken");
            assertThat(external.getMessage()).contains("spec.adapters[0].name \"org/contested-adapter\" of LLMModel " + namespace
                    + "/adapter-younger is already served by LLMModel "
                    + namespace + "/adapter-elder").contains("spec.adapters");
        });
        assertThat(children("adapter-younger", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")).isEmpty();
    }

    @Test
    void ofTwoModelsWithOneIdOnlyTheOlderIsRoutedAndTheYoungerTakesOverWhenItIsDeleted() {
        client.resource(model("elder", "org/shared-id", "")).create();
        await().atMost(TIMEOUT).until(() -> children("elder", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute").size() == 2);

        // created while the webhook was off (this test registers none), as the local demo used to allow
        client.resource(model("younger", "org/shared-id", "")).create();

        assertThatModel("younger").eventuallyHasStatus(status -> {
            var external = StatusAggregator.find(status, ConditionType.EXTERNAL_ENDPOINT_READY).orElseThrow();
            assertThat(external.getReason()).isEqualTo("ModelIdTaken");
            assertThat(external.getMessage()).contains("spec.model.name \"org/shared-id\" of LLMModel " + namespace
                    + "/younger is already served by LLMModel " + namespace + "/elder");
            assertThat(StatusAggregator.find(status, ConditionType.READY).orElseThrow().getStatus()).isEqualTo("False");
        });
        assertThat(children("younger", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")).isEmpty();
        assertThat(children("younger", "gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")).isEmpty();
        assertThat(children("younger", "apps/v1", "Deployment")).as("the workload is kept").isNotEmpty();
        assertThat(children("elder", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")).hasSize(2);

        stored("elder").delete();

        assertThatModel("younger").eventuallyHasStatus(status -> {
            assertThat(children("younger", "aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")).hasSize(2);
            assertThat(StatusAggregator.find(status, ConditionType.EXTERNAL_ENDPOINT_READY).orElseThrow().getReason())
                    .isNotEqualTo("ModelIdTaken");
        });
    }

    @Test
    void deletingTheModelLeavesNothingWithItsLabelInAnyNamespace() {
        client.resource(model("ephemeral", "")).create();
        await().atMost(TIMEOUT).until(() -> children("ephemeral", "gateway.networking.k8s.io/v1beta1", "ReferenceGrant").size() == 1);

        stored("ephemeral").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(stored("ephemeral").get()).isNull();
            for (var kind : java.util.Arrays.stream(ChildKind.values()).filter(k -> !k.providerOnly()).toList()) {
                // Without kube-controller-manager the PVC keeps its kubernetes.io/pvc-protection finalizer: it is
                // being deleted, and the simulated-cluster test shows it goes away for good.
                assertThat(children("ephemeral", kind.apiVersion(), kind.kind()))
                        .as(kind.kind()).allSatisfy(o -> assertThat(o.getMetadata().getDeletionTimestamp()).isNotNull());
            }
        });
    }

    @Test
    void aMissingCrdDegradesTheModelNamingItAndItRecoversWhenInstalled(TestCluster cluster) {
        var crdName = ChildKind.BACKEND_TRAFFIC_POLICY.crd().orElseThrow();
        cluster.withoutCrd(crdName, () -> {
            client.resource(model("no-crd", "limits:\n  requestsPerMinute: 10\n")).create();

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition("no-crd", "AccessControlConfigured"))
                    .containsEntry("status", "False").containsEntry("reason", "CRDNotInstalled")
                    .satisfies(c -> assertThat(c.get("message")).contains(crdName)));
            assertThat(children("no-crd", "apps/v1", "Deployment")).as("the rest keeps working").hasSize(2);
        });
        await().atMost(TIMEOUT).until(() -> children("no-crd", "gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy").size() == 1);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition("no-crd", "AccessControlConfigured"))
                .doesNotContainEntry("reason", "CRDNotInstalled"));
    }

    static Map<String, String> condition(String model, String type) {
        var status = assertThatModel(model).status();
        var condition = status.conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
        return Map.of("status", condition.getStatus(), "reason", condition.getReason(), "message", condition.getMessage());
    }
}
