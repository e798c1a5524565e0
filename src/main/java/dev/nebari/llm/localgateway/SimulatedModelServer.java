package dev.nebari.llm.localgateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for one model's vLLM server behind the gateway: the OpenAI-compatible endpoints vLLM serves, answering
 * the way vLLM does for the model ids it was started with ({@code --served-model-name}: the first one is named in
 * every answer to the base model as vLLM does, the others being aliases; and with {@code --enable-lora} the names of
 * its {@code --lora-modules}, each named in its own answers), with deterministic text and token counts, and a record
 * of every request it received (so tests can see what the gateway let
 * through and which headers reached the model).
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions} and {@code POST /v1/completions}: JSON with {@code usage}; with
 *       {@code "stream": true}, server-sent events, one chunk per token, a usage chunk at the end only when
 *       {@code stream_options.include_usage} is true (as vLLM does), then {@code data: [DONE]};</li>
 *   <li>another model id: 404 with vLLM's error body; invalid JSON: 400;</li>
 *   <li>{@code GET /v1/models}: one entry per served name of the base model, then each LoRA adapter with its
 *       {@code parent} (vLLM's listing); {@code GET /health}: 200.</li>
 * </ul>
 *
 * Token counts: the prompt counts one token per whitespace-separated word (at least one); the answer has
 * {@code max_tokens} tokens when the request gives it (capped at 4,096), otherwise {@value #DEFAULT_ANSWER_TOKENS}.
 */
public final class SimulatedModelServer implements AutoCloseable {

    static final int DEFAULT_ANSWER_TOKENS = 8;
    private static final int MAX_ANSWER_TOKENS = 4_096;
    private static final int MAX_RECORDED = 1_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ServedModels served;
    private final HttpServer server;
    private final AtomicLong completions = new AtomicLong();
    private final ConcurrentLinkedDeque<ReceivedRequest> received = new ConcurrentLinkedDeque<>();
    private final AtomicLong ids = new AtomicLong();

    /** What the model server received: the gateway's view of a request after every filter ran. */
    public record ReceivedRequest(String method, String path, Map<String, List<String>> headers, String body) {

        /** The first value of a header (names are case-insensitive), or null. */
        public @Nullable String header(String name) {
            for (var entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return entry.getValue().getFirst();
                }
            }
            return null;
        }

        public boolean hasHeader(String name) {
            return header(name) != null;
        }
    }

    private SimulatedModelServer(ServedModels served, HttpServer server) {
        this.served = served;
        this.server = server;
    }

    /** Starts a server for {@code servedModel} alone on a free loopback port, handling requests on {@code executor}. */
    public static SimulatedModelServer start(String servedModel, ExecutorService executor) {
        return start(List.of(servedModel), executor);
    }

    /** Starts a server answering to each of {@code servedModels} (at least one; the first is the model id). */
    public static SimulatedModelServer start(List<String> servedModels, ExecutorService executor) {
        return start(ServedModels.only(servedModels), executor);
    }

    /** Starts a server for the ids a vLLM serves (see {@link ServedModels#fromArgs}). */
    static SimulatedModelServer start(ServedModels served, ExecutorService executor) {
        try {
            var http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            var simulated = new SimulatedModelServer(served, http);
            http.createContext("/", simulated::handle);
            http.setExecutor(executor);
            http.start();
            return simulated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a simulated model server for " + served.base(), e);
        }
    }

    /** The base model's id. */
    public String servedModel() {
        return served.base();
    }

    /** Every id it answers to: the model id, its aliases, then its LoRA adapters'. */
    public List<String> servedIds() {
        return served.ids();
    }

    ServedModels served() {
        return served;
    }

    /** Completions answered since start (200s only, any count: the record of requests keeps only the last ones). */
    public long completionsAnswered() {
        return completions.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received so far, oldest first (the last {@value #MAX_RECORDED}). */
    public List<ReceivedRequest> received() {
        return List.copyOf(received);
    }

    public @Nullable ReceivedRequest lastReceived() {
        return received.peekLast();
    }

    public void forgetReceived() {
        received.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var method = exchange.getRequestMethod();
            var path = exchange.getRequestURI().getPath();
            record(new ReceivedRequest(method, path, copy(exchange.getRequestHeaders()), body));
            switch (method + " " + path) {
                case "GET /health" -> send(exchange, 200, "text/plain", "");
                case "GET /v1/models" -> sendJson(exchange, 200, models());
                case "POST /v1/chat/completions" -> complete(exchange, body, Kind.CHAT);
                case "POST /v1/completions" -> complete(exchange, body, Kind.TEXT);
                default -> sendJson(exchange, 404, error("Not Found", "NotFoundError", 404));
            }
        }
    }

    private enum Kind { CHAT, TEXT }

    private void complete(HttpExchange exchange, String body, Kind kind) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (RuntimeException e) {
            sendJson(exchange, 400, error("The request body is not valid JSON.", "BadRequestError", 400));
            return;
        }
        if (request == null || !request.isObject()) {
            sendJson(exchange, 400, error("The request body must be a JSON object.", "BadRequestError", 400));
            return;
        }
        var requested = request.path("model").asString("");
        if (!served.serves(requested)) {
            sendJson(exchange, 404, error("The model `" + requested + "` does not exist.", "NotFoundError", 404));
            return;
        }
        var model = served.reported(requested);
        var promptTokens = Math.max(1, words(kind == Kind.CHAT ? messagesText(request) : request.path("prompt").asString("")));
        var answerTokens = request.has("max_tokens")
                ? Math.clamp(request.path("max_tokens").asInt(DEFAULT_ANSWER_TOKENS), 1, MAX_ANSWER_TOKENS)
                : DEFAULT_ANSWER_TOKENS;
        var id = (kind == Kind.CHAT ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet();
        var usage = JSON.createObjectNode()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", answerTokens)
                .put("total_tokens", promptTokens + answerTokens);
        completions.incrementAndGet();
        if (request.path("stream").asBoolean(false)) {
            stream(exchange, kind, model, id, answerTokens, request.path("stream_options").path("include_usage").asBoolean(false) ? usage : null);
            return;
        }
        var response = envelope(kind, model, id, false);
        var choice = response.putArray("choices").addObject().put("index", 0);
        if (kind == Kind.CHAT) {
            choice.putObject("message").put("role", "assistant").put("content", answer(model, answerTokens));
        } else {
            choice.put("text", answer(model, answerTokens));
        }
        choice.put("finish_reason", "length");
        response.set("usage", usage);
        sendJson(exchange, 200, response);
    }

    private void stream(HttpExchange exchange, Kind kind, String model, String id, int tokens, @Nullable ObjectNode usage) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().add("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < tokens; i++) {
            var chunk = envelope(kind, model, id, true);
            var choice = chunk.putArray("choices").addObject().put("index", 0);
            var token = (i == 0 ? "" : " ") + word(model, i);
            if (kind == Kind.CHAT) {
                var delta = choice.putObject("delta");
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                delta.put("content", token);
            } else {
                choice.put("text", token);
            }
            if (i == tokens - 1) {
                choice.put("finish_reason", "length");
            } else {
                choice.putNull("finish_reason");
            }
            event(out, chunk.toString());
        }
        if (usage != null) {
            var last = envelope(kind, model, id, true);
            last.putArray("choices");
            last.set("usage", usage);
            event(out, last.toString());
        }
        event(out, "[DONE]");
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The model vLLM reports: an adapter's answer carries the adapter's id, the base model's its first name. */
    private ObjectNode envelope(Kind kind, String model, String id, boolean chunk) {
        var node = JSON.createObjectNode().put("id", id);
        node.put("object", kind == Kind.CHAT ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        node.put("created", Instant.now().getEpochSecond());
        node.put("model", model);
        return node;
    }

    private ObjectNode models() {
        var list = JSON.createObjectNode().put("object", "list");
        var data = list.putArray("data");
        for (var name : served.names()) {
            data.addObject()
                    .put("id", name)
                    .put("object", "model")
                    .put("created", Instant.now().getEpochSecond())
                    .put("owned_by", "vllm")
                    .put("root", "/model-cache")
                    .putNull("parent")
                    .put("max_model_len", 8192);
        }
        served.adapters().forEach((name, path) -> data.addObject()
                .put("id", name)
                .put("object", "model")
                .put("created", Instant.now().getEpochSecond())
                .put("owned_by", "vllm")
                .put("root", path)
                .put("parent", served.base()));
        return list;
    }

    private static ObjectNode error(String message, String type, int code) {
        var body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
        return body;
    }

    private static String messagesText(JsonNode request) {
        var text = new StringBuilder();
        for (var message : request.path("messages")) {
            var content = message.path("content");
            if (content.isString()) {
                text.append(content.asString()).append(' ');
            } else {
                for (var part : content) {
                    text.append(part.path("text").asString("")).append(' ');
                }
            }
        }
        return text.toString();
    }

    private static int words(String text) {
        var trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private static String answer(String model, int tokens) {
        var words = new ArrayList<String>();
        for (int i = 0; i < tokens; i++) {
            words.add(word(model, i));
        }
        return String.join(" ", words);
    }

    /** "simulated", "answer", "from", "<model reported>", then counting words: the text says where it came from. */
    private static String word(String model, int index) {
        return switch (index) {
            case 0 -> "Simulated";
            case 1 -> "answer";
            case 2 -> "from";
            case 3 -> model;
            default -> "word" + (index - 3);
        };
    }

    private void record(ReceivedRequest request) {
        received.addLast(request);
        while (received.size() > MAX_RECORDED) {
            received.pollFirst();
        }
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
        var copy = new LinkedHashMap<String, List<String>>();
        headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return copy;
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", body.toString());
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public String toString() {
        return "SimulatedModelServer[" + served.ids() + " on 127.0.0.1:" + port() + "]";
    }
}
