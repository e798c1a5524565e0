package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.gateway.ModelEndpoints;
import dev.nebari.llm.keys.ApiKeySecret;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code curl} command of docs/rest-api.md, parsed (method from {@code -X} or {@code -d}, headers from
 * {@code -H}, body from {@code -d}) and sent in the documented order to the running application (portal profile)
 * on the real API server. Each must answer with the status the Endpoints table gives for it (and the one its
 * {@code # 201 ...} response comment shows) and with the documented fields; the documented refused mint
 * ({@code json} block) must be exactly what the API answers.
 *
 * <p>What the replay substitutes, and why:
 * <ul>
 *   <li>{@code $API}: the application under test with the documented path; the documented host is checked to be
 *       the key portal's host as the chart renders it for {@code platform.baseDomain=nebari.example.com};</li>
 *   <li>{@code $TOKEN}: a token of user {@code ada} (the user the admin commands revoke; group
 *       {@code data-science}), {@code $ADMIN_TOKEN}: a token of a member of {@code admin}, both signed by a
 *       {@link FakeOidcIssuer};</li>
 *   <li>the example client id of the mint's documented response ({@code k1k8d0t4g000drfk}): the id of the key the
 *       documented mint has just created, so the documented revocation revokes that key.</li>
 * </ul>
 * The model the docs name, {@code team-a/qwen3}, is created in the test cluster as written (access group
 * {@code data-science}, like the reference model) with the status the operator reports for it. So that the
 * documented bulk revocation has something to revoke, ada holds one more key, minted before the replay.
 */
@WithKubernetes(upstreamCrds = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiDocsTest {

    static final String DOC = "docs/rest-api.md";
    static final String NAMESPACE = "team-a";
    static final String MODEL = "qwen3";
    static final String MODEL_ID = "Qwen/Qwen3-0.6B";
    static final String USER = "ada";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Pattern ENDPOINT_ROW = Pattern.compile(
            "(?m)^\\| `(GET|POST|PUT|PATCH|DELETE) (/[^`]+)` \\| ([^|]+) \\| (.*) \\|\\s*$");
    private static final Pattern SUCCESS_STATUS = Pattern.compile("`(2\\d\\d)[ `]");
    private static final Pattern RESPONSE_COMMENT = Pattern.compile("^#\\s*(\\d{3})\\b\\s*(.*)$");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    static FakeOidcIssuer issuer;
    static ConfigurableApplicationContext app;
    static String base;
    static String heldKey;
    static @Nullable String mintedKey;

    /** A row of the Endpoints table: method, path template (query stripped), who may call it, the success status. */
    record Endpoint(String method, String template, String who, String what) {

        int status() {
            var matcher = SUCCESS_STATUS.matcher(what);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 200;
        }

        boolean admin() {
            return who.strip().equals("admin");
        }

        boolean matches(String method, String path) {
            var regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            return this.method.equals(method) && path.matches(regex);
        }

        /** The backticked names of the "what" column: field paths (and values) the docs promise. */
        List<String> backticked() {
            var names = new ArrayList<String>();
            var matcher = BACKTICKED.matcher(what);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    /** A documented curl command, in document order, with the response its comment line shows (if any). */
    record DocumentedCall(int index, Curl curl, @Nullable Integer documentedStatus, @Nullable String documentedBody) {
        @Override
        public String toString() {
            return (index + 1) + ": curl " + curl.method() + " " + curl.url() + (curl.data() == null ? "" : " " + curl.data());
        }
    }

    @BeforeAll
    static void startTheApplication(TestCluster cluster) {
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .withLabels(Map.of("nebari.dev/managed", "true")).endMetadata().build()).serverSideApply();
        cluster.client().resource(ModelFixtures.model(NAMESPACE, MODEL, MODEL_ID, "access: {groups: [data-science]}"))
                .create();
        issuer = FakeOidcIssuer.start();
        app = TestApplication.startPortal(cluster, issuer.issuer(),
                "--leaderElection.namespace=" + cluster.newNamespace("rest-api-docs"));
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

        // As the operator reports a served model, with this application's settings (base domain nebari.example.com).
        var settings = app.getBean(PackSettings.class);
        cluster.client().resources(LLMModel.class).inNamespace(NAMESPACE).withName(MODEL).editStatus(model -> {
            model.setStatus(new LLMModelStatus(Phase.Ready, List.of(), 1L, null,
                    ModelEndpoints.status(model.getSpec(), settings), "1.4Gi", null));
            return model;
        });
        var catalog = app.getBean(ModelCatalog.class);
        await("the model's status in the catalog").atMost(Duration.ofSeconds(20))
                .until(() -> catalog.find(new ModelRef(NAMESPACE, MODEL)).map(LLMModel::getStatus).isPresent());

        var held = send("POST", base + "/api/v1/keys", Map.of("Authorization", "Bearer " + token(), "Content-Type", "application/json"),
                "{\"model\": {\"namespace\": \"%s\", \"name\": \"%s\"}, \"description\": \"held for the bulk revocation\"}"
                        .formatted(NAMESPACE, MODEL));
        assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
        heldKey = JSON.readTree(held.body()).get("key").get("clientId").asString();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    @Order(1)
    void theDocumentedAddressIsTheKeyPortalsHostAsTheChartRendersIt() {
        var api = URI.create(documentedVariables().get("API"));
        var nebariApp = ChartRenderer.installable().rendered().all(GenericKubernetesResource.class)
                .filter(o -> o.getKind().equals("NebariApp")).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        var spec = (Map<String, Object>) nebariApp.getAdditionalProperties().get("spec");

        assertThat(api.getScheme()).isEqualTo("https");
        assertThat(api.getHost()).isEqualTo(spec.get("hostname")).endsWith("." + ChartRenderer.BASE_DOMAIN);
        assertThat(String.valueOf(RepoFiles.at(spec, "routing.routes"))).contains("pathPrefix=/,");
        assertThat(api.getPath()).isEqualTo("/api/v1");
    }

    @Test
    @Order(2)
    void everyCommandCallsADocumentedEndpointWithTheTokenOfWhoMayCallIt() {
        var calls = session();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(7);
        for (var call : calls) {
            var endpoint = endpointOf(call.curl());
            assertThat(call.curl().header("Authorization")).as("%s", call)
                    .hasValue(endpoint.admin() ? "Bearer $ADMIN_TOKEN" : "Bearer $TOKEN");
            if (call.documentedStatus() != null) {
                assertThat(call.documentedStatus()).as("the status shown after %s", call).isEqualTo(endpoint.status());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("session")
    @Order(3)
    void eachDocumentedCommandAnswersAsDocumented(DocumentedCall call) {
        var endpoint = endpointOf(call.curl());
        var curl = call.curl().expand(replayVariables());
        var url = curl.url();
        var exampleKey = exampleClientId();
        if (url.contains(exampleKey)) {
            assertThat(mintedKey).as("the key minted by the documented mint before %s", call).isNotNull();
            url = url.replace(exampleKey, mintedKey);
        }
        var headers = new LinkedHashMap<>(curl.headers());
        curl.contentType().ifPresent(type -> headers.put("Content-Type", type));
        headers.putIfAbsent("Accept", "*/*");

        var response = send(curl.method(), url, headers, curl.data());

        assertThat(response.statusCode()).as("%s answered %s", call, response.body()).isEqualTo(endpoint.status());
        switch (endpoint.toString()) {
            case "GET /api/v1/models" -> assertModels(endpoint, json(response));
            case "POST /api/v1/keys" -> assertMinted(call, endpoint, response);
            case "GET /api/v1/keys" -> assertKeys(endpoint, json(response));
            case "PATCH /api/v1/keys/{clientId}" -> {
                var renamed = json(response);
                assertThat(renamed.get("clientId").asString()).isEqualTo(mintedKey);
                assertThat(renamed.get("description").asString())
                        .isEqualTo(JSON.readTree(curl.data()).get("description").asString());
            }
            case "DELETE /api/v1/keys/{clientId}" -> {
                assertThat(response.body()).isEmpty();
                assertThat(ownKeys()).doesNotContain(mintedKey);
            }
            case "POST /api/v1/admin/keys:revoke" -> assertBulkRevoke(curl, endpoint, json(response));
            case "GET /api/v1/admin/models/{ns}/{name}/manifests" -> assertManifests(response);
            default -> fail("no documented response shape for %s: teach this test", endpoint);
        }
    }

    @Test
    @Order(4)
    void theDocumentedRefusedMintIsWhatTheApiAnswers() {
        var documented = JSON.readTree(DocumentedCommands.blocks(DOC, Set.of("json")).stream()
                .filter(b -> b.text().contains("model-not-found")).findFirst().orElseThrow().text());
        var mint = session().stream().filter(c -> endpointOf(c.curl()).toString().equals("POST /api/v1/keys"))
                .findFirst().orElseThrow().curl();
        var variables = new LinkedHashMap<>(replayVariables());
        // A user outside the model's groups sends the documented mint.
        variables.put("TOKEN", user("eve-sub", "eve", "llm-users"));
        var curl = mint.expand(variables);

        var response = send(curl.method(), curl.url(), curl.headers(), curl.data());

        assertThat(response.statusCode()).isEqualTo(documented.get("status").asInt());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        var answer = json(response);
        assertThat(fieldNames(answer)).isEqualTo(fieldNames(documented));
        for (var field : fieldNames(documented)) {
            assertThat(answer.get(field)).as(field).isEqualTo(documented.get(field));
        }
    }

    // --- the documented response shapes ---

    private static void assertModels(Endpoint endpoint, JsonNode models) {
        var entry = StreamSupport.stream(models.spliterator(), false)
                .filter(m -> m.path("namespace").asString("").equals(NAMESPACE) && m.path("name").asString("").equals(MODEL))
                .findFirst().orElseThrow(() -> new AssertionError("team-a/qwen3 not listed: " + models));
        assertDocumentedFields(endpoint, entry);
        assertThat(entry.get("modelId").asString()).isEqualTo(MODEL_ID);
        assertThat(entry.get("endpoints").get("external").asString()).isEqualTo("https://llm.nebari.example.com/v1");
    }

    private static void assertMinted(DocumentedCall call, Endpoint endpoint, HttpResponse<String> response) {
        var minted = json(response);
        mintedKey = minted.get("key").get("clientId").asString();
        assertThat(call.documentedBody()).as("the documented response of %s", call).isNotNull();
        assertMatchesSketch("", sketch(call.documentedBody()), minted);
        // The headers the table promises, e.g. `Location: /api/v1/keys/<clientId>`, `Cache-Control: no-store`.
        var promised = endpoint.backticked().stream().filter(b -> b.matches("[A-Z][A-Za-z-]+: .+")).toList();
        assertThat(promised).hasSizeGreaterThanOrEqualTo(2);
        for (var header : promised) {
            var parts = header.split(": ", 2);
            assertThat(response.headers().firstValue(parts[0])).as(parts[0]).hasValue(parts[1].replace("<clientId>", mintedKey));
        }
    }

    private static void assertKeys(Endpoint endpoint, JsonNode keys) {
        var ids = StreamSupport.stream(keys.spliterator(), false).map(k -> k.get("clientId").asString()).toList();
        // Newest first: the documented mint came after the held key.
        assertThat(ids).containsSubsequence(mintedKey, heldKey);
        keys.forEach(key -> assertDocumentedFields(endpoint, key));
        assertThat(keys.toString()).doesNotContain(ApiKeySecret.PREFIX);
    }

    private static void assertBulkRevoke(Curl curl, Endpoint endpoint, JsonNode result) {
        var request = JSON.readTree(curl.data());
        var dryRun = request.path("dryRun").asBoolean(false);
        var answers = Pattern.compile("answers `\\{([^}]*)}`").matcher(endpoint.what());
        assertThat(answers.find()).as("the documented answer of %s", endpoint).isTrue();
        var documentedFields = new TreeSet<String>();
        for (var name : answers.group(1).split(",")) {
            documentedFields.add(name.strip().replace("\"", ""));
        }
        assertThat(fieldNames(result)).isEqualTo(documentedFields);
        assertThat(result.get("dryRun").asBoolean()).isEqualTo(dryRun);
        var listed = StreamSupport.stream(result.get("keys").spliterator(), false).toList();
        assertThat(result.get("count").asInt()).isEqualTo(listed.size());
        assertThat(listed).allSatisfy(key -> assertThat(List.of(key.get("owner").get("subject").asString(),
                key.get("owner").get("username").asString())).contains(request.get("user").asString()));
        if (dryRun) {
            assertThat(listed).extracting(k -> k.get("clientId").asString()).contains(heldKey);
            assertThat(ownKeys()).as("a dry run revokes nothing").contains(heldKey);
        } else {
            assertThat(listed).isNotEmpty();
            assertThat(ownKeys()).as("every key of the user is revoked").isEmpty();
        }
    }

    private static void assertManifests(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        var documents = new ArrayList<Map<String, Object>>();
        new org.yaml.snakeyaml.Yaml().loadAll(response.body()).forEach(d -> {
            if (d != null) {
                documents.add(castToMap(d));
            }
        });
        assertThat(documents).isNotEmpty().allSatisfy(d -> assertThat(d).containsKeys("apiVersion", "kind", "metadata"));
        var workload = ModelObjects.of(ModelFixtures.model(NAMESPACE, MODEL, MODEL_ID, "access: {public: true}")).workload();
        assertThat(documents).anySatisfy(d -> {
            assertThat(d.get("kind")).isEqualTo("Deployment");
            assertThat(((Map<?, ?>) d.get("metadata")).get("name")).isEqualTo(workload);
            assertThat(((Map<?, ?>) d.get("metadata")).get("namespace")).isEqualTo(NAMESPACE);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castToMap(Object document) {
        return (Map<String, Object>) document;
    }

    /**
     * The fields of one listed item are the ones the table names in backticks: every documented path is present,
     * and every field of the item is documented.
     */
    private static void assertDocumentedFields(Endpoint endpoint, JsonNode item) {
        var documented = endpoint.backticked().stream().filter(b -> b.matches("[a-z][A-Za-z]*(\\.[a-z][A-Za-z]*)?")).toList();
        var actual = fieldPaths("", item);
        assertThat(actual).as("fields of %s", endpoint).containsAll(documented);
        assertThat(actual).as("documented fields of %s", endpoint).allSatisfy(path -> assertThat(documented).contains(path));
    }

    /** A response sketch from a comment ({@code {"key": {"clientId": "k...", ...}, "value": "sk-..."}}) as JSON. */
    private static JsonNode sketch(String documentedBody) {
        return JSON.readTree(documentedBody.replaceAll(",\\s*\\.\\.\\.", ""));
    }

    /**
     * The real response has every field of the sketch: equal strings, a prefix where the sketch ends in "...",
     * and any client id where the sketch shows an example one.
     */
    private static void assertMatchesSketch(String path, JsonNode sketch, JsonNode actual) {
        assertThat(actual).as("%s in the response", path.isEmpty() ? "the body" : path).isNotNull();
        if (sketch.isObject()) {
            for (var field : fieldNames(sketch)) {
                assertMatchesSketch(path.isEmpty() ? field : path + "." + field, sketch.get(field), actual.get(field));
            }
        } else if (sketch.isString() && ClientId.isValid(sketch.asString())) {
            assertThat(ClientId.isValid(actual.asString())).as("%s is a client id: %s", path, actual).isTrue();
        } else if (sketch.isString() && sketch.asString().endsWith("...")) {
            var prefix = sketch.asString().substring(0, sketch.asString().length() - 3);
            assertThat(actual.asString()).as(path).startsWith(prefix);
        } else {
            assertThat(actual).as(path).isEqualTo(sketch);
        }
    }

    // --- the documented session ---

    static List<DocumentedCall> session() {
        var calls = new ArrayList<DocumentedCall>();
        for (var block : DocumentedCommands.blocks(DOC, DocumentedCommands.SHELL)) {
            for (var line : block.logicalLines()) {
                var trimmed = line.strip();
                var comment = RESPONSE_COMMENT.matcher(trimmed);
                if (comment.matches() && !calls.isEmpty()) {
                    var last = calls.removeLast();
                    calls.add(new DocumentedCall(last.index(), last.curl(), Integer.parseInt(comment.group(1)),
                            comment.group(2).isBlank() ? null : comment.group(2)));
                    continue;
                }
                for (var words : DocumentedCommands.split(DocumentedCommands.tokenize(line))) {
                    if (!words.isEmpty() && words.get(0).equals("curl")) {
                        calls.add(new DocumentedCall(calls.size(), Curl.parse(words), null, null));
                    }
                }
            }
        }
        return calls;
    }

    /** The variables the docs set in their blocks ({@code API=...}, {@code TOKEN=$(...)}). */
    static Map<String, String> documentedVariables() {
        var variables = new LinkedHashMap<String, String>();
        for (var block : DocumentedCommands.blocks(DOC, DocumentedCommands.SHELL)) {
            for (var line : block.logicalLines()) {
                var words = DocumentedCommands.tokenize(line);
                var assigned = DocumentedCommands.assignments(line);
                if (!assigned.isEmpty() && assigned.size() == words.size()) {
                    variables.putAll(assigned);
                }
            }
        }
        return variables;
    }

    private static Map<String, String> replayVariables() {
        var documented = documentedVariables();
        assertThat(documented).containsKeys("API", "TOKEN");
        return Map.of(
                "API", base + URI.create(documented.get("API")).getPath(),
                "TOKEN", token(),
                "ADMIN_TOKEN", user("admin-sub", "root", "/admin"));
    }

    /** The example client id of the documented mint response, which later commands use. */
    private static String exampleClientId() {
        var mint = session().stream().filter(c -> c.documentedBody() != null && c.documentedBody().contains("clientId"))
                .findFirst().orElseThrow(() -> new AssertionError("no documented mint response with a clientId"));
        return sketch(mint.documentedBody()).get("key").get("clientId").asString();
    }

    static List<Endpoint> endpoints() {
        var endpoints = new ArrayList<Endpoint>();
        var matcher = ENDPOINT_ROW.matcher(RepoFiles.read(DOC));
        while (matcher.find()) {
            endpoints.add(new Endpoint(matcher.group(1), matcher.group(2).replaceFirst("\\?.*$", ""), matcher.group(3),
                    matcher.group(4)));
        }
        return endpoints;
    }

    private static Endpoint endpointOf(Curl curl) {
        var path = URI.create(curl.expand(Map.of("API", documentedVariables().get("API"), "TOKEN", "", "ADMIN_TOKEN", ""))
                .url()).getPath();
        var matching = endpoints().stream().filter(e -> e.matches(curl.method(), path)).toList();
        assertThat(matching).as("the documented endpoint of %s %s", curl.method(), path).hasSize(1);
        return matching.getFirst();
    }

    // --- fixtures ---

    private static String token() {
        return user(USER + "-sub", USER, "/data-science");
    }

    private static String user(String subject, String username, String... groups) {
        return issuer.token(subject, c -> c.claim("preferred_username", username).claim("groups", List.of(groups)));
    }

    private static List<String> ownKeys() {
        var response = send("GET", base + "/api/v1/keys", Map.of("Authorization", "Bearer " + token()), null);
        assertThat(response.statusCode()).isEqualTo(200);
        return StreamSupport.stream(json(response).spliterator(), false).map(k -> k.get("clientId").asString()).toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        var names = new TreeSet<String>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    /** Leaf paths of an object, one level of nesting deep ({@code endpoints.external}). */
    private static Set<String> fieldPaths(String prefix, JsonNode node) {
        var paths = new TreeSet<String>();
        for (var name : fieldNames(node)) {
            var value = node.get(name);
            if (value.isObject() && prefix.isEmpty()) {
                paths.addAll(fieldPaths(name + ".", value));
            } else {
                paths.add(prefix + name);
            }
        }
        return paths;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(String method, String url, Map<String, String> headers, @Nullable String body) {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
