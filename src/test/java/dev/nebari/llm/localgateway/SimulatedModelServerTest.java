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
}
