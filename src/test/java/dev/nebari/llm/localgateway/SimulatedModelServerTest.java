package dev.nebari.llm.localgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The stand-in for vLLM answers as vLLM does for the one model it serves, and records what reached it. */
class SimulatedModelServerTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static SimulatedModelServer server;

    @BeforeAll
    static void start() {
        server = SimulatedModelServer.start("org/model-7b", Executors.newVirtualThreadPerTaskExecutor());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").header("x-llm-client-id", "k123")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aChatCompletionCountsPromptWordsAndAnswersMaxTokens() throws Exception {
        var response = post("/v1/chat/completions", """
                {"model": "org/model-7b", "max_tokens": 6, "messages": [{"role": "user", "content": "one two three"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        var json = JSON.readTree(response.body());
        assertThat(json.path("choices").path(0).path("message").path("content").asString())
                .isEqualTo("Simulated answer from org/model-7b word1 word2");
        assertThat(json.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(json.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(json.path("usage").path("total_tokens").asInt()).isEqualTo(9);
        assertThat(server.lastReceived().header("X-LLM-Client-Id")).isEqualTo("k123");
    }

    @Test
    void aStreamCarriesUsageOnlyWhenAskedAsVllmDoes() throws Exception {
        var plain = post("/v1/completions", """
                {"model": "org/model-7b", "prompt": "hi", "stream": true, "max_tokens": 3}""");
        assertThat(plain.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(plain.body()).contains("\"text\":\"Simulated\"", "data: [DONE]").doesNotContain("usage");

        var counted = post("/v1/chat/completions", """
                {"model": "org/model-7b", "messages": [{"role": "user", "content": "hi"}], "stream": true,
                 "stream_options": {"include_usage": true}, "max_tokens": 3}""");
        assertThat(counted.body()).contains("\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3,\"total_tokens\":4}");
        assertThat(counted.body().trim()).endsWith("data: [DONE]");
    }

    @Test
    void anotherModelIsNotFoundAndTheModelListNamesTheServedOne() throws Exception {
        var other = post("/v1/chat/completions", """
                {"model": "org/other", "messages": []}""");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("The model `org/other` does not exist.");
        assertThat(post("/v1/chat/completions", "not json").statusCode()).isEqualTo(400);

        var models = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(models.body()).path("data").path(0).path("id").asString()).isEqualTo("org/model-7b");
    }

    /** vLLM with several served names answers to each and names the first (the model id) in every answer. */
    @Test
    void anAliasIsAnsweredUnderTheModelIdAndListed() throws Exception {
        try (var aliased = SimulatedModelServer.start(List.of("org/model-7b", "chat-default"), Executors.newVirtualThreadPerTaskExecutor())) {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + aliased.port() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
                            {"model": "chat-default", "messages": [{"role": "user", "content": "hi"}]}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var models = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + aliased.port() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("model").asString()).isEqualTo("org/model-7b");
            assertThat(aliased.completionsAnswered()).isEqualTo(1);
            assertThat(JSON.readTree(models.body()).path("data").findValuesAsString("id")).containsExactly("org/model-7b", "chat-default");
        }
    }

    /**
     * Started from the Deployment the operator renders for a model with LoRA adapters, it answers each adapter id as
     * vLLM with those --lora-modules does: the answer reports the adapter's id, /v1/models lists the adapters with
     * their parent, and an id that is neither the model nor one of its adapters is not found.
     */
    @Test
    void aServerForAModelWithAdaptersAnswersEachAdapterIdAsVllmDoes() throws Exception {
        var model = dev.nebari.llm.model.ModelFixtures.model("team-a", "qwen", "Qwen/Qwen3-0.6B",
                "access: {public: true}\nadapters: [{name: team-a/sql-lora, repo: acme/sql-lora}, {name: team-a/legal-lora}]");
        var deployment = dev.nebari.llm.serving.ModelServerDeploymentRenderer.render(model, dev.nebari.llm.model.ModelFixtures.settings());
        var served = SimulatedModelServers.servedModels(deployment);
        assertThat(served).isNotNull();
        try (var lora = SimulatedModelServer.start(served, Executors.newVirtualThreadPerTaskExecutor())) {
            var port = lora.port();
            var answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model": "team-a/sql-lora", "max_tokens": 4, "messages": [{"role": "user", "content": "hi"}]}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("model").asString()).isEqualTo("team-a/sql-lora");
            assertThat(JSON.readTree(answer.body()).path("choices").path(0).path("message").path("content").asString())
                    .isEqualTo("Simulated answer from team-a/sql-lora");

            var unknown = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model": "team-a/no-such-lora", "messages": [{"role": "user", "content": "hi"}]}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);

            var models = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("data");
            assertThat(models).extracting(m -> m.path("id").asString() + " < " + m.path("parent").asString(""))
                    .containsExactly("Qwen/Qwen3-0.6B < ", "team-a/sql-lora < Qwen/Qwen3-0.6B", "team-a/legal-lora < Qwen/Qwen3-0.6B");
            assertThat(models.path(1).path("root").asString()).isEqualTo("/model-cache/adapters/team-a/sql-lora");
        }
    }

    /** A model with an alias and an adapter: vLLM names the model id for the alias and the adapter for the adapter. */
    @Test
    void aServerForAModelWithAnAliasAndAnAdapterReportsWhatVllmReports() throws Exception {
        var model = dev.nebari.llm.model.ModelFixtures.model("team-a", "qwen", "Qwen/Qwen3-0.6B",
                List.of("storage: {size: 1Gi}", "aliases: [chat-default]"), "access: {public: true}\nadapters: [{name: team-a/sql-lora}]");
        var served = SimulatedModelServers.servedModels(
                dev.nebari.llm.serving.ModelServerDeploymentRenderer.render(model, dev.nebari.llm.model.ModelFixtures.settings()));
        assertThat(served).isNotNull();
        assertThat(served.ids()).containsExactly("Qwen/Qwen3-0.6B", "chat-default", "team-a/sql-lora");
        try (var server = SimulatedModelServer.start(served, Executors.newVirtualThreadPerTaskExecutor())) {
            for (var sent : List.of("chat-default", "team-a/sql-lora")) {
                var answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + sent + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(sent).isEqualTo(200);
                assertThat(JSON.readTree(answer.body()).path("model").asString()).as(sent)
                        .isEqualTo(sent.equals("chat-default") ? "Qwen/Qwen3-0.6B" : "team-a/sql-lora");
            }
            var models = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("data");
            assertThat(models).extracting(m -> m.path("id").asString() + " < " + m.path("parent").asString(""))
                    .containsExactly("Qwen/Qwen3-0.6B < ", "chat-default < ", "team-a/sql-lora < Qwen/Qwen3-0.6B");
        }
    }

    @Test
    void loraModulesWithoutEnableLoraAreNotServed() {
        var served = ServedModels.fromArgs(java.util.List.of("--served-model-name", "org/m", "--lora-modules", "a=/x"));
        assertThat(served).isNotNull();
        assertThat(served.ids()).containsExactly("org/m");
    }
}
