package dev.nebari.llm.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.ModelEndpoints;
import dev.nebari.llm.localgateway.GatewayBinaries;
import dev.nebari.llm.localgateway.LocalGateway;
import dev.nebari.llm.localgateway.SimulatedModelServer;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.FreePort;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.MissingParts;
import dev.nebari.llm.testing.MutableClock;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole data path for one test class: the application (operator and portal in one process) against the shared
 * real API server, in a namespace and keys namespace of its own, with tokens from a fake OIDC issuer and a clock
 * the test can move (key expiry), and a real local gateway (Envoy, AI Gateway, rate-limit service, Redis) fed with
 * what the application applied. Keys are minted through the REST API, requests go through Envoy.
 */
final class DataPathStack implements AutoCloseable {

    static final String BASE_DOMAIN = "nebari.example.com";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Envoy answers by Host; the JDK client sends a Host header only with this property (set in pom.xml).
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final RoutingMode mode;
    final String namespace;
    final String keysNamespace;
    final FakeOidcIssuer issuer;
    final FakeOidcIssuer otherIssuer;
    final MutableClock clock;
    final ConfigurableApplicationContext app;
    final LocalGateway gateway;
    final String api;
    private final java.util.Map<String, LLMModelSpec> specs = new java.util.concurrent.ConcurrentHashMap<>();

    private DataPathStack(RoutingMode mode, String namespace, String keysNamespace, FakeOidcIssuer issuer,
            FakeOidcIssuer otherIssuer, MutableClock clock, ConfigurableApplicationContext app, LocalGateway gateway) {
        this.clock = clock;
        this.mode = mode;
        this.namespace = namespace;
        this.keysNamespace = keysNamespace;
        this.issuer = issuer;
        this.otherIssuer = otherIssuer;
        this.app = app;
        this.gateway = gateway;
        this.api = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    static DataPathStack start(TestCluster cluster, RoutingMode mode, String... extraArgs) {
        var binaries = GatewayBinaries.locate();
        if (binaries.isEmpty() && MissingParts.inCi()) {
            binaries = Optional.of(GatewayBinaries.locateOrBuild());
        }
        MissingParts.require(binaries.isPresent(), "the gateway binaries (run scripts/gateway-test-binaries.sh) and "
                + "redis-server (apt-get install redis-server)");
        MissingParts.require(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/prometheus")),
                "prometheus (apt-get install prometheus): usage per key is read from it");
        var namespace = cluster.newNamespace("data-path-" + mode.name().toLowerCase());
        var keysNamespace = cluster.newNamespace("data-path-keys");
        var issuer = FakeOidcIssuer.start();
        var otherIssuer = FakeOidcIssuer.start();
        var clock = MutableClock.startingNow();
        // Usage per key: AI Gateway's token counts, scraped by a local Prometheus the application asks.
        var prometheusPort = FreePort.any();
        var args = new ArrayList<>(List.of(
                "--auth.oidc.issuerURL=" + issuer.issuer(),
                "--cluster.kubeconfig=" + cluster.kubeconfig(),
                "--leaderElection.namespace=" + namespace,
                "--apiKeysNamespace=" + keysNamespace,
                "--platform.routing.mode=" + mode.name().toLowerCase(),
                "--keys.expirySweep.autoStartup=true",
                "--keys.sweepInterval=1s",
                "--keys.maxPerUserPerModel=1000",
                // one test user mints hundreds of keys (shards, revocation timing): no write rate for it here
                "--keys.writesPerMinute=100000",
                // aigw restarts (3-5 s) to drop a deleted model's routes, where Envoy Gateway in a cluster takes
                // about a second: the workload waits that much longer before it goes (see docs/testing.md).
                "--reconciler.routeDrainDelay=12s",
                "--usage.prometheusUrl=http://127.0.0.1:" + prometheusPort,
                "--usage.refreshInterval=1s"));
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext app = null;
        try {
            app = TestApplication.start(context -> context.getBeanFactory().registerSingleton("testClock", clock),
                    args.toArray(String[]::new));
            var gateway = LocalGateway.start(cluster.client(), app.getBean(PackSettings.class), binaries.get(),
                    LocalGateway.Options.forTests(namespace).withPrometheusPort(prometheusPort));
            return new DataPathStack(mode, namespace, keysNamespace, issuer, otherIssuer, clock, app, gateway);
        } catch (RuntimeException e) {
            if (app != null) {
                app.close();
            }
            issuer.close();
            otherIssuer.close();
            throw e;
        }
    }


    /** Moves the keys module's clock (lifetimes, expiry) forward. */
    void advanceClock(Duration by) {
        clock.advance(by);
    }

    /**
     * Waits until the operator has applied both routes of each named model and the gateway has taken them (aigw
     * restarts when routes change, and a test should not meet that restart).
     */
    void awaitServed(io.fabric8.kubernetes.client.KubernetesClient client, String... models) {
        org.awaitility.Awaitility.await("routes of " + List.of(models)).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    var routes = client.genericKubernetesResources("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")
                            .inNamespace(namespace).list().getItems().stream().map(r -> r.getMetadata().getName()).toList();
                    return java.util.Arrays.stream(models)
                            .allMatch(m -> routes.contains(m + "-external") && routes.contains(m + "-internal"));
                });
        gateway.awaitFed(Duration.ofSeconds(90));
    }

    // --- identities ---

    /** An access token of the test issuer for {@code username} in {@code groups}. */
    String token(String username, String... groups) {
        return token(username, claims -> claims, groups);
    }

    String token(String username, UnaryOperator<com.nimbusds.jwt.JWTClaimsSet.Builder> adjust, String... groups) {
        return issuer.token(username + "-sub", c -> adjust.apply(c.claim("preferred_username", username)
                .claim("groups", List.of(groups))));
    }

    // --- the REST API ---

    record Minted(String clientId, String value) {
        @Override
        public String toString() {
            return "Minted[" + clientId + "]"; // never the key
        }
    }

    Minted mint(String token, String model) {
        return mint(token, model, "30d");
    }

    Minted mint(String token, String model, String lifetime) {
        var response = call("POST", api + "/api/v1/keys", token, null, """
                {"model": {"namespace": "%s", "name": "%s"}, "description": "data path", "lifetime": "%s"}"""
                .formatted(namespace, model, lifetime));
        assertThat(response.status()).as("minting a key for %s: %s", model, response.body()).isEqualTo(201);
        var json = response.json();
        return new Minted(json.get("key").get("clientId").asString(), json.get("value").asString());
    }

    /** Imports a key the predecessor made (its value as it is) for {@code username} through the admin API. */
    String importKey(String adminToken, String model, String username, String value) {
        var response = call("POST", api + "/api/v1/admin/keys:import", adminToken, null, """
                {"model": {"namespace": "%s", "name": "%s"}, "owner": {"subject": "%s-sub", "username": "%s"},
                 "value": "%s", "description": "from the predecessor"}""".formatted(namespace, model, username, username, value));
        assertThat(response.status()).as("importing a key for %s: %s", model, response.body()).isEqualTo(201);
        return response.json().get("clientId").asString();
    }

    /** The client ids of the caller's keys. */
    List<String> myKeys(String token) {
        var ids = new java.util.ArrayList<String>();
        call("GET", api + "/api/v1/keys", token, null, null).json().forEach(key -> ids.add(key.get("clientId").asString()));
        return ids;
    }

    void revoke(String token, Minted key) {
        var response = call("DELETE", api + "/api/v1/keys/" + key.clientId(), token, null, null);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
    }

    /** The usage of one of the caller's keys as {@code GET /api/v1/usage} reports it, or null if not listed. */
    @Nullable JsonNode usageOf(String token, String clientId) {
        var response = call("GET", api + "/api/v1/usage", token, null, null);
        assertThat(response.status()).as("usage: %s", response.body()).isEqualTo(200);
        for (var row : response.json().path("keys")) {
            if (clientId.equals(row.path("key").path("clientId").asString())) {
                return row.path("usage");
            }
        }
        return null;
    }

    /** The admins' usage totals by user as CSV. */
    Response adminUsageCsv(String adminToken) {
        return call("GET", api + "/api/v1/admin/usage?by=user", adminToken, null, null, "text/csv");
    }

    /** A portal page as a signed-in user sees it (the application's own pages, through its security filters). */
    String portalPage(String path, String subject, String username, String... groups) throws Exception {
        var web = org.springframework.test.web.servlet.setup.MockMvcBuilders
                .webAppContextSetup((org.springframework.web.context.WebApplicationContext) app)
                .apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity()).build();
        var login = org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin()
                .idToken(token -> token.subject(subject).claim("preferred_username", username).claim("groups", List.of(groups)));
        var result = web.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(path).with(login))
                .andReturn().getResponse();
        assertThat(result.getStatus()).as("%s: %s", path, result.getContentAsString()).isEqualTo(200);
        return result.getContentAsString();
    }

    /**
     * Shows a portal page as fetched in Chromium (its style sheet from the running application) at desktop and phone
     * width, saves screenshots {@code target/screenshots/<name>-<width>.png}, and checks that it does not scroll
     * sideways on the phone.
     */
    void screenshot(String html, String name) throws IOException {
        var dir = java.nio.file.Files.createDirectories(dev.nebari.llm.testing.Browser.SCREENSHOTS);
        var file = dir.resolve(name + ".html");
        java.nio.file.Files.writeString(file, html.replaceFirst("<head>", "<head><base href=\"" + api + "/\">"));
        try (var browser = dev.nebari.llm.testing.Browser.open()) {
            for (var width : List.of(1280, 390)) {
                browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
                browser.visit(file.toUri().toString());
                browser.awaitElement(org.openqa.selenium.By.tagName("h1"));
                browser.screenshot(name + "-" + width);
                var page = (Long) browser.driver().executeScript("return document.documentElement.scrollWidth");
                var screen = (Long) browser.driver().executeScript("return document.documentElement.clientWidth");
                assertThat(page).as("%s at %d px", name, width).isLessThanOrEqualTo(screen);
            }
        }
    }

    // --- the gateway ---

    /** The external host of a model (by its LLMModel name), as its status reports it: shared, or its own. */
    String externalHost(String model) {
        return host(EndpointSide.EXTERNAL, model);
    }

    String internalHost(String model) {
        return host(EndpointSide.INTERNAL, model);
    }

    private String host(EndpointSide side, String model) {
        var spec = specs.computeIfAbsent(model, name -> app.getBean(io.fabric8.kubernetes.client.KubernetesClient.class)
                .resources(LLMModel.class).inNamespace(namespace).withName(name).require().getSpec());
        return ModelEndpoints.host(side, spec, app.getBean(PackSettings.class));
    }

    /** A chat completion through the external listener, with {@code key} as {@code Authorization: Bearer}. */
    Response chat(@Nullable String key, String host, String modelId) {
        return external("POST", "/v1/chat/completions", key, host, chatBody(modelId, false, null));
    }

    Response external(String method, String path, @Nullable String credential, String host, @Nullable String body) {
        return call(method, gateway.externalUrl() + path, credential, host, body);
    }

    Response internal(String method, String path, @Nullable String credential, String host, @Nullable String body) {
        return call(method, gateway.internalUrl() + path, credential, host, body);
    }

    static String chatBody(String modelId, boolean stream, @Nullable Integer maxTokens) {
        return """
                {"model": "%s", "messages": [{"role": "user", "content": "Say hello to the data path"}]%s%s}"""
                .formatted(modelId, stream ? ", \"stream\": true" : "", maxTokens == null ? "" : ", \"max_tokens\": " + maxTokens);
    }

    SimulatedModelServer modelServer(String model) {
        return gateway.modelServer(namespace, model).orElseThrow(() ->
                new AssertionError("no simulated model server for " + namespace + "/" + model));
    }

    record Response(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse("");
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    static Response call(String method, String url, @Nullable String bearer, @Nullable String host, @Nullable String body) {
        return call(method, url, bearer, host, body, null);
    }

    /** As above, asking for {@code accept} (e.g. {@code text/csv}) when it is given. */
    static Response call(String method, String url, @Nullable String bearer, @Nullable String host, @Nullable String body,
            @Nullable String accept) {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (host != null) {
            request.header("Host", host);
        }
        try {
            var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Envoy's access log entries of 5xx answers, to name what failed when a test sees one. */
    List<String> envoyErrors() {
        return gateway.accessLog(line -> line.contains("\"response_code\":5"));
    }

    @Override
    public void close() {
        gateway.close();
        app.close();
        issuer.close();
        otherIssuer.close();
    }
}
