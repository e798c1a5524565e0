package dev.nebari.llm.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.datapath.DataPathStack.Minted;
import dev.nebari.llm.datapath.DataPathStack.Response;
import dev.nebari.llm.localgateway.SimulatedModelServer;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a caller sees through a real Envoy gateway fed with what the operator and the portal applied, for one routing
 * mode: API keys (minted through the REST API) and their revocation and expiry, in-cluster JWTs with groups,
 * request and token limits, and the answers for unknown, deleted and crowded models. Subclasses pick the mode.
 */
@Tag("datapath")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DataPathContract {

    /** The bar (docs/quality-bars.md): a revoked key is refused at Envoy within 2 s of the revoke returning. */
    static final Duration REFUSAL_BAR = Duration.ofSeconds(2);
    static final Duration PROPAGATION = Duration.ofSeconds(30);

    static final String ALPHA = "org/alpha-7b";
    static final String BETA = "org/beta-7b";
    static final String OPEN = "org/open-1b";
    static final String LIMITED = "org/limited-1b";
    static final String METERED = "org/metered-1b";
    static final String CROWDED = "org/crowded-1b";
    static final String LORA_BASE = "org/lora-base-1b";
    static final String SQL_ADAPTER = "org/lora-base-1b-sql";
    static final String LEGAL_ADAPTER = "team-legal/contracts-lora";

    DataPathStack stack;

    abstract RoutingMode mode();

    @BeforeAll
    void startTheDataPath(TestCluster cluster) {
        stack = DataPathStack.start(cluster, mode());
        for (var model : List.of(
                model("alpha", ALPHA, "access: {groups: [data-science]}"),
                model("beta", BETA, "access: {groups: [data-science]}"),
                model("open", OPEN, "access: {public: true}"),
                model("limited", LIMITED, "access: {groups: [data-science]}\nlimits: {requestsPerMinute: 2}"),
                model("metered", METERED, "access: {groups: [data-science]}\nlimits: {tokensPerMinute: 40}"),
                model("crowded", CROWDED, "access: {groups: [data-science]}"),
                model("lora", LORA_BASE, "access: {groups: [data-science]}\nadapters: [{name: " + SQL_ADAPTER
                        + ", repo: acme/sql-lora, revision: v1}, {name: " + LEGAL_ADAPTER + "}]"))) {
            cluster.client().resource(model).create();
        }
        stack.awaitServed(cluster.client(), "alpha", "beta", "open", "limited", "metered", "crowded", "lora");
    }

    @AfterAll
    void stopTheDataPath() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A fresh token (they live five minutes, longer than some test classes run): a data scientist. */
    String alice() {
        return stack.token("alice", "/data-science");
    }

    /** A user in no group that any model here lists. */
    String bob() {
        return stack.token("bob", "other-team");
    }

    LLMModel model(String name, String modelId, String spec) {
        return ModelFixtures.model(stack.namespace, name, modelId, spec);
    }

    /** Mints a key and waits until the gateway serves it (policies reach Envoy a second or two after a change). */
    Minted keyThatWorks(String token, String model, String modelId) {
        var key = stack.mint(token, model);
        await("key for " + model + " accepted").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> stack.chat(key.value(), stack.externalHost(model), modelId).status() == 200);
        return key;
    }

    // --- API keys ---

    /** Migration: a key the predecessor handed out (sk- and 32 characters), imported for its owner, keeps working. */
    @Test
    void aKeyImportedFromThePredecessorWorksAtTheGatewayAndIsItsOwners() {
        keyThatWorks(alice(), "alpha", ALPHA);
        var predecessorKey = dev.nebari.llm.testing.PredecessorKeys.newValue();
        var host = stack.externalHost("alpha");
        assertThat(stack.chat(predecessorKey, host, ALPHA).status()).as("before the import").isEqualTo(401);

        var clientId = stack.importKey(stack.token("root", "admin"), "alpha", "alice", predecessorKey);

        await("imported key accepted").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> stack.chat(predecessorKey, host, ALPHA).status() == 200);
        assertThat(stack.myKeys(alice())).as("its owner lists and can revoke it").contains(clientId);
    }

    // --- usage per key (issue 14 item 10) ---

    /**
     * The tokens of a key's requests, as Envoy AI Gateway counted them and a Prometheus scraped them, show as that
     * key's usage in the REST API and on the portal's "My usage" page, and nowhere else: not in another key's row,
     * not from an in-cluster caller who sends the key's client id as a header.
     */
    @Test
    void aKeysRequestsShowAsItsUsageInTheApiAndThePortal() throws Exception {
        var key = stack.mint(alice(), "beta");
        var host = stack.externalHost("beta");
        var sent = new long[2];
        var answered = 0;
        var deadline = System.nanoTime() + PROPAGATION.toNanos();
        while (answered < 3) {
            var response = stack.chat(key.value(), host, BETA);
            if (response.status() == 200) {
                sent[0] += response.json().path("usage").path("prompt_tokens").asLong();
                sent[1] += response.json().path("usage").path("completion_tokens").asLong();
                answered++;
            } else {
                assertThat(System.nanoTime()).as("the key is served within %s: %s", PROPAGATION, response).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        assertThat(sent[0]).isPositive();
        assertThat(sent[1]).isPositive();
        // An in-cluster caller naming the key's client id does not spend the key's budget or show in its usage.
        var forged = java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.gateway.internalUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + alice()).header("Host", stack.internalHost("beta"))
                .header("Content-Type", "application/json").header("x-llm-client-id", key.clientId())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(DataPathStack.chatBody(BETA, false, null)));
        assertThat(send(forged).statusCode()).isEqualTo(200);
        var requestsDone = java.time.Instant.now();

        var usage = await("the key's usage").atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).until(
                () -> stack.usageOf(alice(), key.clientId()), u -> u != null && u.path("lastDay").path("input").asLong() >= sent[0]);

        assertThat(usage.path("lastDay").path("input").asLong()).as("input tokens, 24 h").isEqualTo(sent[0]);
        assertThat(usage.path("lastDay").path("output").asLong()).as("output tokens, 24 h").isEqualTo(sent[1]);
        assertThat(usage.path("last30Days").path("input").asLong()).as("input tokens, 30 days").isEqualTo(sent[0]);
        assertThat(usage.path("last30Days").path("output").asLong()).as("output tokens, 30 days").isEqualTo(sent[1]);
        var lastUsed = java.time.Instant.parse(usage.path("lastUsed").asString());
        assertThat(lastUsed).as("last used").isBetween(requestsDone.minus(Duration.ofMinutes(3)), requestsDone.plus(Duration.ofMinutes(1)));
        assertThat(stack.usageOf(stack.token("carol", "/data-science"), key.clientId())).as("not in another user's usage").isNull();

        var page = stack.portalPage("/usage", "alice-sub", "alice", "/data-science");
        // The row of this key: its last use (relative to the application's clock, which other tests here move on)
        // and its tokens.
        assertThat(page).contains("data-client-id=\"" + key.clientId() + "\"");
        var row = page.substring(page.indexOf("data-client-id=\"" + key.clientId() + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).containsPattern("class=\"last-used\">(just now|\\d+ minutes ago|\\d+ hours ago)<")
                .contains(String.format("%,d / %,d", sent[0], sent[1]));
        stack.screenshot(page, "14-10-usage-" + mode().name().toLowerCase());
        var csv = stack.adminUsageCsv(stack.token("root", "admin"));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).startsWith("user,keys,last_used,input_tokens_24h,output_tokens_24h");
        // alice's line sums all her keys in this class (other tests minted and used some too): at least this key's.
        var alicesLine = csv.body().lines().filter(line -> line.startsWith("alice,")).toList();
        assertThat(alicesLine).hasSize(1);
        var fields = alicesLine.getFirst().split(",");
        assertThat(Long.parseLong(fields[3])).as("alice's input tokens, 24 h").isGreaterThanOrEqualTo(sent[0]);
        assertThat(Long.parseLong(fields[4])).as("alice's output tokens, 24 h").isGreaterThanOrEqualTo(sent[1]);
    }

    @Test
    void requestsWithoutAKeyOrWithAnUnknownKeyAre401() {
        keyThatWorks(alice(), "alpha", ALPHA); // the model is served: the 401s below are about the key
        var host = stack.externalHost("alpha");
        assertThat(stack.chat(null, host, ALPHA).status()).isEqualTo(401);
        assertThat(stack.chat("sk-" + "x".repeat(40), host, ALPHA).status()).isEqualTo(401);
        assertThat(stack.chat(alice(), host, ALPHA).status()).as("an OIDC token is not an API key").isEqualTo(401);
    }

    @Test
    void theModelsOwnKeyGetsTheModelsAnswerAndTheKeyNeverReachesTheModel() {
        var key = keyThatWorks(alice(), "alpha", ALPHA);
        var server = stack.modelServer("alpha");
        server.forgetReceived();

        var response = stack.external("POST", "/v1/chat/completions", key.value(), stack.externalHost("alpha"),
                DataPathStack.chatBody(ALPHA, false, null));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("choices").path(0).path("message").path("content").asString())
                .startsWith("Simulated answer from " + ALPHA);
        assertThat(response.json().path("usage").path("total_tokens").asInt()).isPositive();
        var received = server.lastReceived();
        assertThat(received).isNotNull();
        assertThat(received.hasHeader("Authorization")).as("the key is removed before the model").isFalse();
        assertThat(received.header("x-llm-client-id")).isEqualTo(key.clientId());
        assertThat(server.received()).allSatisfy(r -> assertThat(r.body()).doesNotContain(key.value()));
    }

    @Test
    void aClientIdSentByTheCallerIsOverwrittenByTheKeysOwn() {
        var key = keyThatWorks(alice(), "alpha", ALPHA);
        var other = keyThatWorks(alice(), "beta", BETA);
        var server = stack.modelServer("alpha");
        server.forgetReceived();

        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.gateway.externalUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.value())
                .header("Host", stack.externalHost("alpha"))
                .header("Content-Type", "application/json")
                .header("x-llm-client-id", other.clientId())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(DataPathStack.chatBody(ALPHA, false, null)));
        assertThat(send(request).statusCode()).isEqualTo(200);
        assertThat(server.lastReceived().header("x-llm-client-id")).isEqualTo(key.clientId());

        var forgedForBeta = java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.gateway.externalUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.value())
                .header("Host", stack.externalHost("beta"))
                .header("Content-Type", "application/json")
                .header("x-llm-client-id", other.clientId())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(DataPathStack.chatBody(BETA, false, null)));
        assertThat(send(forgedForBeta).statusCode()).as("alpha's key with beta's client id, for beta")
                .isEqualTo(anotherModelsKeyStatus());
    }

    /**
     * Shared mode: every key authenticates on the key-check route and the model's allow-list refuses it (403).
     * Subdomain mode: the host picks the model before the key check, and there only the model's own keys
     * authenticate (401), as for any unknown key (docs/api-keys.md).
     */
    int anotherModelsKeyStatus() {
        return mode() == RoutingMode.SHARED ? 403 : 401;
    }

    @Test
    void theSameUsersKeyForAnotherModelIsRefused() {
        var alphaKey = keyThatWorks(alice(), "alpha", ALPHA);
        keyThatWorks(alice(), "beta", BETA);
        var response = stack.chat(alphaKey.value(), stack.externalHost("beta"), BETA);
        assertThat(response.status()).as(response.toString()).isEqualTo(anotherModelsKeyStatus());
        assertThat(stack.modelServer("beta").received()).noneMatch(r -> alphaKey.clientId().equals(r.header("x-llm-client-id")));
    }

    @Test
    void aRevokedKeyIs401WithinTwoSeconds() {
        var key = keyThatWorks(alice(), "alpha", ALPHA);
        stack.revoke(alice(), key);
        var revoked = System.nanoTime();
        await("revoked key refused").atMost(REFUSAL_BAR).pollInterval(Duration.ofMillis(50))
                .until(() -> stack.chat(key.value(), stack.externalHost("alpha"), ALPHA).status() == 401);
        System.out.printf("data path (%s): revoked key refused after %d ms%n", mode(),
                Duration.ofNanos(System.nanoTime() - revoked).toMillis());
    }

    @Test
    void anExpiredKeyIs401WithinTwoSecondsOfTheSweep() {
        var key = stack.mint(alice(), "alpha", "1h");
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
                .until(() -> stack.chat(key.value(), stack.externalHost("alpha"), ALPHA).status() == 200);
        stack.advanceClock(Duration.ofHours(2));
        // The sweep (every second here) removes the key; the bar counts from the moment it is gone from the store.
        await("expired key swept").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> !DataPathStack.call("GET", stack.api + "/api/v1/keys", alice(), null, null).body().contains(key.clientId()));
        var swept = System.nanoTime();
        await("expired key refused").atMost(REFUSAL_BAR).pollInterval(Duration.ofMillis(50))
                .until(() -> stack.chat(key.value(), stack.externalHost("alpha"), ALPHA).status() == 401);
        System.out.printf("data path (%s): expired key refused %d ms after the sweep%n", mode(),
                Duration.ofNanos(System.nanoTime() - swept).toMillis());
    }

    @Test
    void theModelListShowsTheServedModels() {
        var key = keyThatWorks(alice(), "alpha", ALPHA);
        var response = stack.external("GET", "/v1/models", key.value(), stack.externalHost("alpha"), null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains(ALPHA);
        assertThat(stack.external("GET", "/v1/models", null, stack.externalHost("alpha"), null).status()).isEqualTo(401);
    }

    // --- LoRA adapters (issue 17 item 3): one model's server, several model ids ---

    /**
     * An adapter id with a key for its model reaches that model's server, which answers as the adapter (the simulated
     * server knows the adapter only from the vLLM args the operator rendered), on both listeners.
     */
    @Test
    void anAdapterIdWithTheModelsKeyIsAnsweredByTheModelsServerAsTheAdapter() {
        var key = keyThatWorks(alice(), "lora", LORA_BASE);
        var server = stack.modelServer("lora");
        server.forgetReceived();

        var response = stack.chat(key.value(), stack.externalHost("lora"), SQL_ADAPTER);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().path("model").asString()).isEqualTo(SQL_ADAPTER);
        assertThat(response.json().path("choices").path(0).path("message").path("content").asString())
                .startsWith("Simulated answer from " + SQL_ADAPTER);
        assertThat(server.lastReceived()).isNotNull();
        assertThat(server.lastReceived().header("x-llm-client-id")).isEqualTo(key.clientId());
        assertThat(stack.chat(key.value(), stack.externalHost("lora"), LEGAL_ADAPTER).json().path("model").asString())
                .isEqualTo(LEGAL_ADAPTER);
        var internal = internalChat(alice(), stack.internalHost("lora"), LEGAL_ADAPTER);
        assertThat(internal.status()).as(internal.toString()).isEqualTo(200);
        assertThat(internalChat(bob(), stack.internalHost("lora"), LEGAL_ADAPTER).status())
                .as("the model's groups rule the adapter too").isEqualTo(403);
    }

    @Test
    void anAdapterIdTheModelDoesNotServeIs404() {
        var key = keyThatWorks(alice(), "lora", LORA_BASE);
        var response = stack.chat(key.value(), stack.externalHost("lora"), LORA_BASE + "-no-such-adapter");
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
    }

    @Test
    void anotherModelsKeyIsRefusedForTheAdapter() {
        var alphaKey = keyThatWorks(alice(), "alpha", ALPHA);
        keyThatWorks(alice(), "lora", LORA_BASE);
        var response = stack.chat(alphaKey.value(), stack.externalHost("lora"), SQL_ADAPTER);
        assertThat(response.status()).as(response.toString()).isEqualTo(anotherModelsKeyStatus());
        assertThat(stack.modelServer("lora").received()).noneMatch(r -> alphaKey.clientId().equals(r.header("x-llm-client-id")));
    }

    @Test
    void theGatewaysModelListShowsTheAdapters() {
        var key = keyThatWorks(alice(), "lora", LORA_BASE);
        var response = stack.external("GET", "/v1/models", key.value(), stack.externalHost("lora"), null);
        assertThat(response.status()).isEqualTo(200);
        var ids = new ArrayList<String>();
        response.json().path("data").forEach(model -> ids.add(model.path("id").asString()));
        assertThat(ids).contains(LORA_BASE, SQL_ADAPTER, LEGAL_ADAPTER);
    }

    /**
     * "My models" lists the adapters under the model, with snippets that send the adapter's id to the model's
     * endpoint; the page fits a phone.
     */
    @Test
    void thePortalListsTheAdaptersWithSnippetsForEach() throws Exception {
        keyThatWorks(alice(), "lora", LORA_BASE); // the model is served and its status has its endpoint
        var page = stack.portalPage("/", "alice-sub", "alice", "/data-science");
        var card = page.substring(page.indexOf("id=\"model-" + stack.namespace + "-lora\""));
        card = card.substring(0, card.indexOf("</section>"));
        assertThat(card).contains(">" + SQL_ADAPTER + "</code>", ">" + LEGAL_ADAPTER + "</code>")
                .contains("{&quot;model&quot;: &quot;" + SQL_ADAPTER + "&quot;")
                .contains("model=&quot;" + LEGAL_ADAPTER + "&quot;")
                .contains("https://" + stack.externalHost("lora") + "/v1/chat/completions");
        stack.screenshot(page, "17-3-lora-adapters-" + mode().name().toLowerCase());
    }

    // --- in-cluster callers with a JWT ---

    @Test
    void aTokenWithAnAllowedGroupGets200AndOtherGroupsGet403() {
        var host = stack.internalHost("alpha");
        await("internal route served").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> internalChat(alice(), host, ALPHA).status() == 200);
        assertThat(internalChat(stack.token("carol", "data-science"), host, ALPHA).status())
                .as("the group without its leading slash").isEqualTo(200);
        var other = internalChat(bob(), host, ALPHA);
        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(stack.modelServer("alpha").lastReceived().header("x-llm-user")).isEqualTo("carol");
    }

    @Test
    void aPublicModelAnswersAnyValidToken() {
        var host = stack.internalHost("open");
        await("public model served").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> internalChat(bob(), host, OPEN).status() == 200);
        assertThat(internalChat(stack.token("nobody"), host, OPEN).status()).isEqualTo(200);
    }

    @Test
    void missingExpiredOrForeignTokensAre401() {
        var host = stack.internalHost("open");
        await("public model served").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> internalChat(bob(), host, OPEN).status() == 200);
        var expired = stack.token("bob", c -> c.expirationTime(Date.from(java.time.Instant.now().minusSeconds(120))));
        var foreign = stack.otherIssuer.token("bob-sub", c -> c.claim("preferred_username", "bob"));
        var foreignClaimingOurIssuer = stack.otherIssuer.token("bob-sub", c -> c.issuer(stack.issuer.issuer()));
        assertThat(internalChat(null, host, OPEN).status()).isEqualTo(401);
        assertThat(internalChat(expired, host, OPEN).status()).isEqualTo(401);
        assertThat(internalChat(foreign, host, OPEN).status()).isEqualTo(401);
        assertThat(internalChat(foreignClaimingOurIssuer, host, OPEN).status()).as("signed with another key").isEqualTo(401);
    }

    private Response internalChat(String token, String host, String modelId) {
        return stack.internal("POST", "/v1/chat/completions", token, host, DataPathStack.chatBody(modelId, false, null));
    }

    // --- limits ---

    @Test
    void theRequestLimitAnswers429WithRateLimitHeadersAndLetsTrafficPassAfterTheWindow() {
        var key = keyThatWorks(alice(), "limited", LIMITED); // one request of the two spent here
        var host = stack.externalHost("limited");
        var statuses = new ArrayList<Integer>();
        Response limited = null;
        for (int i = 0; i < 4 && limited == null; i++) {
            var response = stack.chat(key.value(), host, LIMITED);
            statuses.add(response.status());
            if (response.status() == 429) {
                limited = response;
            }
        }
        assertThat(limited).as("statuses %s", statuses).isNotNull();
        assertThat(limited.header("x-ratelimit-limit")).startsWith("2");
        assertThat(limited.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(limited.header("x-ratelimit-reset")).matches("\\d+");
        // a per-key limit: another key of the same user is not limited
        var second = keyThatWorks(alice(), "limited", LIMITED);
        assertThat(second).isNotNull();
        await("the window passes").atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofSeconds(1))
                .until(() -> stack.chat(key.value(), host, LIMITED).status() == 200);
    }

    @Test
    void streamedResponsesAreCountedAgainstTheTokenBudget() {
        var key = keyThatWorks(alice(), "metered", METERED); // spends about 15 of the 40 tokens
        var host = stack.externalHost("metered");
        var stream = stack.external("POST", "/v1/chat/completions", key.value(), host,
                DataPathStack.chatBody(METERED, true, 30));
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("content-type")).startsWith("text/event-stream");
        assertThat(stream.body()).contains("data: [DONE]");
        // AI Gateway asks the model for the usage chunk; the budget is spent once the stream ends.
        await("the streamed tokens are charged").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.chat(key.value(), host, METERED).status() == 429);
    }

    // --- models that are not simply there ---

    @Test
    void anUnknownModelIdIs404() {
        var key = keyThatWorks(alice(), "alpha", ALPHA);
        var response = stack.chat(key.value(), stack.externalHost("alpha"), "org/no-such-model");
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
    }

    @Test
    void aModelBeingDeletedIsNeverServedUnprotectedOrWith5xxAndEndsIn404(TestCluster cluster) throws Exception {
        var modelId = "org/doomed-1b";
        cluster.client().resource(model("doomed", modelId, "access: {groups: [data-science]}")).create();
        stack.awaitServed(cluster.client(), "doomed");
        var key = keyThatWorks(alice(), "doomed", modelId);
        var host = stack.externalHost("doomed");
        var seen = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var stop = new AtomicBoolean();
        var watcher = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                seen.add("key:" + status(() -> stack.chat(key.value(), host, modelId)));
                seen.add("none:" + status(() -> stack.chat(null, host, modelId)));
            }
        });
        cluster.client().resources(LLMModel.class).inNamespace(stack.namespace).withName("doomed").delete();
        try {
            await("the deleted model is gone from the gateway").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> stack.chat(key.value(), host, modelId).status() == 404);
        } finally {
            stop.set(true);
            watcher.join();
        }
        stack.gateway.awaitFed(PROPAGATION); // aigw restarted without the model's routes; the next test needs it up
        // "down" is aigw restarting without the model's routes (no answer at all, as during an Envoy restart)
        assertThat(seen).as(() -> "answers while the model was deleted (Envoy's access log of its 5xx answers: "
                        + stack.envoyErrors() + ")")
                .allMatch(s -> List.of("key:200", "key:404", "key:401", "key:down", "none:401", "none:404", "none:down").contains(s));
    }

    private static String status(java.util.function.Supplier<Response> call) {
        try {
            return String.valueOf(call.get().status());
        } catch (java.io.UncheckedIOException e) {
            return "down";
        }
    }

    @Test
    void keysInEveryShardOfACrowdedModelWork() {
        var first = keyThatWorks(alice(), "crowded", CROWDED);
        Minted last = first;
        for (int i = 0; i < 200; i++) { // a shard holds 200 keys (docs/api-keys.md): the 201st opens a second one
            last = stack.mint(alice(), "crowded");
        }
        var lastKey = last;
        await("a key in the second shard accepted").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> stack.chat(lastKey.value(), stack.externalHost("crowded"), CROWDED).status() == 200);
        assertThat(stack.chat(first.value(), stack.externalHost("crowded"), CROWDED).status()).isEqualTo(200);
        var shards = stack.app.getBean(io.fabric8.kubernetes.client.KubernetesClient.class).secrets()
                .inNamespace(stack.keysNamespace).withLabel("llm.nebari.dev/model", "crowded").list().getItems();
        assertThat(shards).as("key Secrets of the crowded model").hasSizeGreaterThanOrEqualTo(2);
    }

    // --- autoscaling (issue 17 item 2) ---

    /**
     * Replicas set through the model's scale subresource, as an HPA or KEDA sets them, are kept by the operator, show
     * in the model's status, and the pool's requests reach every replica: one simulated server per replica stands
     * behind the pool here, as one pod per replica would.
     */
    @Test
    void aModelScaledThroughItsScaleSubresourceIsServedByEveryReplica(TestCluster cluster) {
        var client = cluster.client();
        var scaledId = "org/scaled-1b";
        client.resource(model("scaled", scaledId, "access: {groups: [data-science]}")).create();
        stack.awaitServed(client, "scaled");
        var key = keyThatWorks(alice(), "scaled", scaledId);

        var scaled = client.resources(LLMModel.class).inNamespace(stack.namespace).withName("scaled");
        scaled.scale(3);

        await("three replicas running and asked for in the status").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    assertThat(stack.gateway.modelServers(stack.namespace, "scaled")).hasSize(3);
                    var status = scaled.get().getStatus();
                    assertThat(status.replicas()).isNotNull();
                    assertThat(status.replicas().desired()).isEqualTo(3);
                });
        var servers = stack.gateway.modelServers(stack.namespace, "scaled");
        // The gateway takes the new endpoints (aigw restarts when they change): wait until the last replica answers.
        var host = stack.externalHost("scaled");
        var last = servers.getLast();
        var before = last.completionsAnswered();
        await("the third replica reached").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> stack.chat(key.value(), host, scaledId).status() == 200 && last.completionsAnswered() > before);

        var answeredBefore = servers.stream().mapToLong(SimulatedModelServer::completionsAnswered).toArray();
        var requests = 60;
        for (int i = 0; i < requests; i++) {
            assertThat(stack.chat(key.value(), host, scaledId).status()).as("request %d", i).isEqualTo(200);
        }
        var answered = new ArrayList<Long>();
        for (int i = 0; i < servers.size(); i++) {
            answered.add(servers.get(i).completionsAnswered() - answeredBefore[i]);
        }
        assertThat(answered).as("requests answered by each replica").allSatisfy(n -> assertThat(n).isPositive());
        assertThat(answered.stream().mapToLong(Long::longValue).sum()).isEqualTo(requests);
        assertThat(client.apps().deployments().inNamespace(stack.namespace).withName("scaled").get().getSpec().getReplicas())
                .as("the operator keeps what the scale subresource set").isEqualTo(3);

        scaled.delete();
    }

    private static java.net.http.HttpResponse<String> send(java.net.http.HttpRequest.Builder request) {
        try {
            return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                    .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
