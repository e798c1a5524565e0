package dev.nebari.llm.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.datapath.DataPathStack.Minted;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.TrafficSpec;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Aliases and weighted revisions through a real Envoy AI Gateway (docs/aliases-and-revisions.md): an alias reaches
 * the aliased model's server with that model's key, and two LLMModels serving one id share its requests by their
 * weights, with the keys of either. Subclasses pick the routing mode.
 */
@Tag("datapath")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AliasesAndRevisionsDataPathContract {

    static final String ALIASED = "org/aliased-7b";
    static final String ALIAS = "chat-default";
    static final String ROLLOUT = "org/rollout-7b";
    static final Duration PROPAGATION = Duration.ofSeconds(30);
    /** The bar of issue 17: each revision's share of 1,000 requests within 5 percentage points of its weight. */
    static final int REQUESTS = 1_000;
    static final double TOLERANCE = 0.05;

    DataPathStack stack;
    KubernetesClient client;

    abstract RoutingMode mode();

    @BeforeAll
    void startTheDataPath(TestCluster cluster) {
        client = cluster.client();
        stack = DataPathStack.start(cluster, mode());
        client.resource(ModelFixtures.model(stack.namespace, "aliased", ALIASED,
                List.of("storage: {size: 10Gi}", "aliases: [" + ALIAS + "]"), "access: {groups: [data-science]}")).create();
        client.resource(revision("blue", 80)).create();
        client.resource(revision("green", 20)).create();
        stack.awaitServed(client, "aliased", "blue", "green");
        awaitSplit(Map.of("blue", 80, "green", 20));
    }

    @AfterAll
    void stopTheDataPath() {
        if (stack != null) {
            stack.close();
        }
    }

    LLMModel revision(String name, int weight) {
        return ModelFixtures.model(stack.namespace, name, ROLLOUT, "access: {groups: [data-science]}\ntraffic: {weight: " + weight + "}");
    }

    String alice() {
        return stack.token("alice", "/data-science");
    }

    Minted keyThatWorks(String model, String modelId) {
        var key = stack.mint(alice(), model);
        await("key for " + model + " accepted").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> stack.chat(key.value(), stack.externalHost(model), modelId).status() == 200);
        return key;
    }

    /** Waits until both revisions' routes carry {@code weights} and the gateway has taken them. */
    @SuppressWarnings("unchecked")
    void awaitSplit(Map<String, Integer> weights) {
        var expected = weights.entrySet().stream().map(e -> e.getKey() + "-weighted=" + e.getValue()).sorted().toList();
        await("routes with " + weights).atMost(PROPAGATION).pollInterval(Duration.ofMillis(200)).until(() ->
                weights.keySet().stream().allMatch(model -> {
                    var route = client.genericKubernetesResources("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")
                            .inNamespace(stack.namespace).withName(model + "-external").get();
                    if (route == null) {
                        return false;
                    }
                    var rule = (Map<String, Object>) ((List<Object>) GenericResources.spec(route).get("rules")).getFirst();
                    return ((List<Map<String, Object>>) rule.get("backendRefs")).stream()
                            .map(ref -> ref.get("name") + "=" + ref.get("weight")).sorted().toList().equals(expected);
                }));
        stack.gateway.awaitFed(Duration.ofSeconds(90));
    }

    /** Sends {@code count} chat requests for the rollout id, alternating the keys; returns the completions per revision. */
    Map<String, Long> send(int count, Minted... keys) {
        var blue = stack.modelServer("blue");
        var green = stack.modelServer("green");
        var blueBefore = blue.completionsAnswered();
        var greenBefore = green.completionsAnswered();
        var host = stack.externalHost("blue");
        for (int i = 0; i < count; i++) {
            var response = stack.chat(keys[i % keys.length].value(), host, ROLLOUT);
            assertThat(response.status()).as("request %d: %s", i, response).isEqualTo(200);
            assertThat(response.json().path("model").asString()).isEqualTo(ROLLOUT);
        }
        return Map.of("blue", blue.completionsAnswered() - blueBefore, "green", green.completionsAnswered() - greenBefore);
    }

    @Test
    void anAliasIsAnsweredByTheAliasedModelsServerWithThatModelsKey() {
        var key = keyThatWorks("aliased", ALIASED);
        var server = stack.modelServer("aliased");
        var before = server.completionsAnswered();

        var response = stack.chat(key.value(), stack.externalHost("aliased"), ALIAS);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().path("model").asString()).as("vLLM names the model id").isEqualTo(ALIASED);
        assertThat(server.completionsAnswered()).isEqualTo(before + 1);
        assertThat(server.lastReceived().body()).as("the request as sent").contains(ALIAS);
    }

    /**
     * Access stays per model: a key for another model is refused for the alias as it is for the id (shared mode: 403
     * from the model's allow-list; subdomain mode: 401, the host picks the model and only its keys authenticate).
     */
    @Test
    void anotherModelsKeyIsRefusedForTheAlias() {
        var blueKey = keyThatWorks("blue", ROLLOUT);
        var refused = mode() == RoutingMode.SHARED ? 403 : 401;

        assertThat(stack.chat(blueKey.value(), stack.externalHost("aliased"), ALIAS).status()).isEqualTo(refused);
        assertThat(stack.chat(blueKey.value(), stack.externalHost("aliased"), ALIASED).status()).isEqualTo(refused);
    }

    /**
     * 80/20 over 1,000 requests, half of them with a key minted for blue and half with one minted for green (either is
     * valid for the shared id); then weights 0/100 send everything to green.
     */
    @Test
    void revisionsShareTheirIdByWeightAndAWeightOfZeroTakesNone() {
        var blueKey = keyThatWorks("blue", ROLLOUT);
        var greenKey = keyThatWorks("green", ROLLOUT);

        var split = send(REQUESTS, blueKey, greenKey);
        org.slf4j.LoggerFactory.getLogger(getClass()).info("Weights 80/20, {} requests answered: {}", REQUESTS, split);

        assertThat(split.get("blue") + split.get("green")).isEqualTo(REQUESTS);
        assertThat(split.get("blue") / (double) REQUESTS).as("blue's share of %s", split).isCloseTo(0.80,
                org.assertj.core.data.Offset.offset(TOLERANCE));
        assertThat(split.get("green") / (double) REQUESTS).as("green's share of %s", split).isCloseTo(0.20,
                org.assertj.core.data.Offset.offset(TOLERANCE));

        setWeight("blue", 0);
        setWeight("green", 100);
        awaitSplit(Map.of("blue", 0, "green", 100));
        await("the new weights in Envoy").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(send(20, blueKey, greenKey).get("blue")).isZero());

        var moved = send(200, blueKey, greenKey);

        assertThat(moved).as("all traffic on green").containsEntry("blue", 0L).containsEntry("green", 200L);
        setWeight("blue", 80);
        setWeight("green", 20);
        awaitSplit(Map.of("blue", 80, "green", 20));
    }

    /** The internal side splits the id too: in-cluster callers with a token of an allowed group reach both revisions. */
    @Test
    void tokensOfAnAllowedGroupAreSplitByWeightOnTheInternalSide() {
        var blue = stack.modelServer("blue");
        var green = stack.modelServer("green");
        var blueBefore = blue.completionsAnswered();
        var greenBefore = green.completionsAnswered();
        var host = stack.internalHost("blue");
        var requests = 200;

        for (int i = 0; i < requests; i++) {
            var response = stack.internal("POST", "/v1/chat/completions", alice(), host, DataPathStack.chatBody(ROLLOUT, false, null));
            assertThat(response.status()).as("request %d: %s", i, response).isEqualTo(200);
        }

        var blueShare = (blue.completionsAnswered() - blueBefore) / (double) requests;
        assertThat(blueShare + (green.completionsAnswered() - greenBefore) / (double) requests).isEqualTo(1.0);
        // 200 requests: 0.10 is more than three standard deviations of an 80/20 split
        assertThat(blueShare).isCloseTo(0.80, org.assertj.core.data.Offset.offset(0.10));
        assertThat(stack.internal("POST", "/v1/chat/completions", stack.token("bob", "other-team"), host,
                DataPathStack.chatBody(ROLLOUT, false, null)).status()).as("a group neither revision lists").isEqualTo(403);
    }

    /** Callers see the aliases and each revision's share where they look for a model: the REST API and the portal. */
    @Test
    void theRestApiAndThePortalShowAliasesAndWeights() throws Exception {
        var models = DataPathStack.call("GET", stack.api + "/api/v1/models", alice(), null, null);
        assertThat(models.status()).isEqualTo(200);
        var byName = new java.util.HashMap<String, tools.jackson.databind.JsonNode>();
        models.json().forEach(m -> byName.put(m.path("name").asString(), m));

        assertThat(byName.get("aliased").path("aliases").get(0).asString()).isEqualTo(ALIAS);
        assertThat(byName.get("aliased").path("traffic").isMissingNode() || byName.get("aliased").path("traffic").isNull()).isTrue();
        var blue = byName.get("blue").path("traffic");
        assertThat(blue.path("weight").asInt()).isEqualTo(80);
        assertThat(blue.path("totalWeight").asInt()).isEqualTo(100);
        assertThat(blue.path("percent").asInt()).isEqualTo(80);
        assertThat(blue.path("otherRevisions").get(0).asString()).isEqualTo("green");
        assertThat(byName.get("green").path("traffic").path("percent").asInt()).isEqualTo(20);

        var preview = DataPathStack.call("GET", stack.api + "/api/v1/admin/models/" + stack.namespace + "/blue/manifests",
                stack.token("root", "admin"), null, null, "application/yaml");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body()).as("the admin's preview renders the split as the operator does")
                .contains("name: \"blue-weighted\"\n      weight: 80", "name: \"green-weighted\"\n      weight: 20");

        var page = stack.portalPage("/", "alice-sub", "alice", "/data-science");
        assertThat(page).contains("Aliases", "<code>" + ALIAS + "</code>", "80 % (weight 80 of 100), shared with green",
                "20 % (weight 20 of 100), shared with blue");
    }

    /**
     * What Envoy Gateway makes of two routes matching the same id: both reach Envoy, in Gateway API order (the older
     * route first; a tie in creation time goes by namespace/name, and blue sorts first either way), so the first one
     * answers and its policy applies. Each revision's route holds the same split (one cluster per rule, a locality
     * per backend with the backend's weight), so it does not matter which one comes first.
     */
    @Test
    void bothRevisionsRoutesReachEnvoyInGatewayApiOrderWithTheSameSplit() {
        var admin = stack.gateway.envoyAdmin().orElseThrow();
        var dump = DataPathStack.call("GET", admin + "/config_dump?include_eds", null, null, null).json();

        var routes = new java.util.ArrayList<String>();
        dump.findParents("virtual_hosts").stream()
                .filter(config -> config.path("name").asString().endsWith("/" + stack.gateway.layout().externalListener()))
                .flatMap(config -> StreamSupport.stream(config.path("virtual_hosts").spliterator(), false))
                .flatMap(host -> StreamSupport.stream(host.path("routes").spliterator(), false))
                .filter(route -> route.path("match").path("headers").findValuesAsString("exact").contains(ROLLOUT))
                .forEach(route -> routes.add(route.path("route").path("cluster").asString()));
        var prefix = "httproute/" + stack.namespace + "/";
        assertThat(routes).containsExactly(prefix + "blue-external/rule/0", prefix + "green-external/rule/0");

        for (var cluster : routes) {
            var assignment = dump.findParents("cluster_name").stream()
                    .filter(node -> node.path("cluster_name").asString().equals(cluster) && node.has("endpoints"))
                    .findFirst().orElseThrow();
            var weights = new java.util.TreeMap<String, Integer>();
            assignment.path("endpoints").forEach(locality -> weights.put(
                    locality.path("metadata").path("filter_metadata").path("envoy-gateway").path("resources").get(0).path("name").asString(),
                    locality.path("load_balancing_weight").asInt()));
            assertThat(weights).as(cluster).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("blue-weighted", 80, "green-weighted", 20)));
        }
    }

    /**
     * The end of a rollout: deleting the old revision leaves the id to the new one without a failed request (its route
     * was the second for the id and becomes the first; "down" is aigw restarting for the changed routes, as an Envoy
     * restart would look), and the new revision's route goes back to its pool.
     */
    @Test
    void deletingTheOldRevisionLeavesTheIdToTheNewOneWithoutAFailedRequest() throws Exception {
        var id = "org/finish-7b";
        client.resource(ModelFixtures.model(stack.namespace, "retiring", id, "access: {groups: [data-science]}\ntraffic: {weight: 50}")).create();
        client.resource(ModelFixtures.model(stack.namespace, "successor", id, "access: {groups: [data-science]}\ntraffic: {weight: 50}")).create();
        stack.awaitServed(client, "retiring", "successor");
        var key = keyThatWorks("successor", id);
        var host = stack.externalHost("successor");
        var seen = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var caller = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                try {
                    seen.add(String.valueOf(stack.chat(key.value(), host, id).status()));
                } catch (java.io.UncheckedIOException e) {
                    seen.add("down");
                }
            }
        });
        client.resources(LLMModel.class).inNamespace(stack.namespace).withName("retiring").delete();
        try {
            await("the retiring revision gone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> client.resources(LLMModel.class).inNamespace(stack.namespace).withName("retiring").get() == null);
            stack.gateway.awaitFed(Duration.ofSeconds(90));
        } finally {
            stop.set(true);
            caller.join();
        }
        var successor = stack.modelServer("successor");
        var before = successor.completionsAnswered();

        assertThat(stack.chat(key.value(), host, id).status()).isEqualTo(200);
        assertThat(successor.completionsAnswered()).isEqualTo(before + 1);
        assertThat(seen).as("answers while the old revision went").isNotEmpty();
        assertThat(seen.stream().filter(s -> !s.equals("200") && !s.equals("down")).toList())
                .as(() -> "answers other than 200 and down among " + seen.size() + " while the old revision went; "
                        + "Envoy's access log of its 5xx answers: " + stack.envoyErrors())
                .isEmpty();
        assertThat(client.genericKubernetesResources("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")
                .inNamespace(stack.namespace).withName("successor-external").get().toString()).contains("InferencePool");
    }

    void setWeight(String model, int weight) {
        ModelFixtures.editSpec(client.resources(LLMModel.class).inNamespace(stack.namespace).withName(model),
                spec -> new LLMModelSpec(spec.model(), spec.resources(), spec.serving(), spec.access(), spec.endpoints(),
                        spec.limits(), spec.advanced(), new TrafficSpec(weight), spec.adapters()));
    }
}
