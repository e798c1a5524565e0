package dev.nebari.llm.usage;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Instant queries against Prometheus' HTTP API ({@code /api/v1/query}), answered as labelled numbers. */
final class PrometheusClient {

    record Sample(Map<String, String> labels, double value) {
    }

    /** Prometheus did not answer, or answered with an error: usage is unavailable, never wrong. */
    static final class QueryFailed extends Exception {
        QueryFailed(String message) {
            super(message);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    PrometheusClient(URI base, Duration timeout) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    List<Sample> query(String promql) throws QueryFailed {
        var request = HttpRequest.newBuilder(base.resolve("api/v1/query"))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new QueryFailed("Prometheus at " + base + " did not answer ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ").");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryFailed("Asking Prometheus was interrupted.");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new QueryFailed("Prometheus at " + base + " answered " + response.statusCode() + " with no JSON.");
        }
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asString(""))) {
            throw new QueryFailed("Prometheus at " + base + " answered " + response.statusCode() + ": "
                    + body.path("error").asString("no error given") + ".");
        }
        var samples = new ArrayList<Sample>();
        for (var result : body.path("data").path("result")) {
            var labels = new HashMap<String, String>();
            result.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            samples.add(new Sample(labels, parse(result.path("value").path(1).asString("NaN"))));
        }
        return samples;
    }

    private static double parse(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
