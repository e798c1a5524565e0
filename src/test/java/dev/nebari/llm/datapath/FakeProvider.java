package dev.nebari.llm.datapath;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nebari.llm.admission.TestCertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI-compatible provider on 127.0.0.1, serving HTTPS with a certificate for {@code localhost} signed by a CA
 * made for this run (the CA the PassthroughModel's CA ConfigMap carries). It answers chat completions under
 * {@code /<prefix>/chat/completions} with the model it was asked for and a usage block, as a hosted API does, and
 * records what it received, headers included, so a test can tell which credential reached it.
 */
final class FakeProvider implements AutoCloseable {

    /** One request as the provider saw it (header names lower case). */
    record Received(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            var values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? "" : values.getFirst();
        }

        String model() {
            return JSON.readTree(body).path("model").asString();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpsServer server;
    private final TestCertificateAuthority authority;
    private final String prefix;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** @param prefix the API's path prefix, e.g. {@code v1} or {@code api/v1} */
    FakeProvider(String prefix) throws IOException {
        this.prefix = prefix;
        this.authority = TestCertificateAuthority.issue();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(authority.server()));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** PEM of the CA that signed the provider's certificate. */
    String caCertificate() {
        return authority.caCertificate();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var headers = new TreeMap<String, List<String>>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), List.copyOf(values)));
        var request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body);
        received.add(request);
        if (!request.path().equals("/" + prefix + "/chat/completions")) {
            respond(exchange, 404, "{\"error\": {\"message\": \"no such path " + request.path() + "\"}}");
            return;
        }
        var model = request.model();
        respond(exchange, 200, """
                {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": "%s",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello from the provider"}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 7, "completion_tokens": 4, "total_tokens": 11}}""".formatted(model));
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
