package dev.nebari.llm.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.docs.Curl;
import dev.nebari.llm.docs.DocumentedCommands;
import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.GatewayFacts;
import dev.nebari.llm.gateway.GatewayRenderer;
import dev.nebari.llm.gateway.ModelEndpoints;
import dev.nebari.llm.gateway.SharedListenerRenderer;
import dev.nebari.llm.keys.ApiKeySecret;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The calls in docs/using-models.md reach a model as the product sets it up. They go to Envoy, which only the
 * data-path tests run (docs/testing.md), so they are not sent here; each curl command and Python snippet is checked
 * against the two things that decide whether it works: the gateway objects the operator renders for the model (the
 * listener's host, the AIGatewayRoute's model match, the SecurityPolicy's credential header) and what the portal
 * prints for it ({@link ModelCard}'s snippets, from the status the operator writes).
 *
 * <p>The model is examples/models/minimal.yaml in namespace llm-models (the object the page's kubectl line names,
 * {@code qwen3-0-6b}, serving {@code Qwen/Qwen3-0.6B}), rendered with the pack's default settings and the docs' base
 * domain {@code nebari.example.com}, in shared routing mode (the chart's default) unless a test says otherwise.
 */
class UsingModelsDocsTest {

    static final String DOC = "docs/using-models.md";
    static final String BASE_DOMAIN = "nebari.example.com";
    static final String CHAT_COMPLETIONS = "/chat/completions";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern BEARER_VARIABLE = Pattern.compile("Bearer \\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    static final PackSettings SETTINGS = withBaseDomain(ModelFixtures.settings(RoutingMode.SHARED), BASE_DOMAIN);
    static final LLMModel MODEL = servedModel(SETTINGS);
    static final ModelCard CARD = ModelCard.of(MODEL);
    static final List<HasMetadata> RENDERED = GatewayRenderer.render(MODEL, SETTINGS, new AccessInputs(
            List.of("keys-0"), List.of("k0000000000000001"),
            new AccessInputs.OidcProvider(SETTINGS.auth().oidc().issuerURL(), SETTINGS.auth().oidc().issuerURL() + "/certs")))
            .inNamespace();

    static Stream<Curl> curlCommands() {
        return DocumentedCommands.shellCommands(DOC).stream().filter(words -> words.get(0).equals("curl")).map(Curl::parse);
    }

    @Test
    void theDocsShowCallsToBothEndpointsAndAStreamingOne() {
        assertThat(curlCommands().map(c -> c.uri().getHost()))
                .contains("llm." + BASE_DOMAIN, "llm-internal." + BASE_DOMAIN);
        assertThat(curlCommands()).anyMatch(c -> c.flags().contains("-N"));
        assertThat(DocumentedCommands.blocks(DOC, Set.of("python"))).hasSizeGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("curlCommands")
    void theUrlIsTheModelsEndpointOnTheHostItsRouteListensOn(Curl curl) {
        var side = sideOf(curl);
        var route = route(side);
        var parent = route.map("spec.parentRefs[0]");
        var gateway = SharedListenerRenderer.gateways(SETTINGS).stream()
                .filter(g -> g.getMetadata().getName().equals(parent.get("name"))
                        && g.getMetadata().getNamespace().equals(parent.get("namespace")))
                .findFirst().orElseThrow();
        var listener = SharedListenerRenderer.listeners(gateway).get((String) parent.get("sectionName"));

        assertThat(curl.uri().getScheme()).isEqualTo("https");
        assertThat(listener).as("the listener the route attaches to").isNotNull();
        assertThat(listener.get("hostname")).isEqualTo(curl.uri().getHost());
        assertThat(route.list("spec.hostnames")).as("a route without hostnames takes its listener's").isEmpty();
        assertThat(curl.url()).isEqualTo(ModelEndpoints.baseUrl(side, MODEL.getSpec(), SETTINGS) + CHAT_COMPLETIONS)
                .isEqualTo(cardUrl(side) + CHAT_COMPLETIONS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("curlCommands")
    void theCredentialGoesInTheHeaderTheEndpointsSecurityPolicyReads(Curl curl) {
        var side = sideOf(curl);
        var policy = ObjectTree.of(rendered(GatewayFacts.SECURITY_POLICY_KIND, side.routeName(ModelObjects.of(MODEL))));
        var authorization = curl.header(GatewayFacts.API_KEY_HEADER);

        assertThat(authorization).hasValueSatisfying(v -> assertThat(v).matches(BEARER_VARIABLE));
        if (side == EndpointSide.EXTERNAL) {
            assertThat(policy.list("spec.apiKeyAuth.extractFrom[0].headers")).containsExactly(GatewayFacts.API_KEY_HEADER);
            assertThat(exported(variableOf(curl))).as("the key the command sends").startsWith(ApiKeySecret.PREFIX);
        } else {
            // No extractFrom: Envoy Gateway's JWT authentication then reads "Authorization: Bearer <token>".
            assertThat(policy.map("spec.jwt.providers[0]")).containsEntry("issuer", SETTINGS.auth().oidc().issuerURL())
                    .doesNotContainKey("extractFrom");
            assertThat(policy.at("spec.apiKeyAuth")).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("curlCommands")
    void theBodyNamesTheModelIdTheRouteMatches(Curl curl) {
        var route = route(sideOf(curl));
        var body = JSON.readTree(curl.data());
        var match = route.map("spec.rules[0].matches[0].headers[0]");

        assertThat(curl.method()).isEqualTo("POST");
        assertThat(curl.contentType()).hasValue("application/json");
        assertThat(match).containsEntry("name", GatewayFacts.MODEL_HEADER).containsEntry("type", "Exact");
        assertThat(body.get("model").asString()).isEqualTo(match.get("value")).isEqualTo(CARD.modelId())
                .isNotEqualTo(MODEL.getMetadata().getName());
        assertThat(body.get("messages").isArray()).isTrue();
        if (curl.flags().contains("-N")) {
            assertThat(body.get("stream").asBoolean()).as("a streamed request asks for a stream").isTrue();
        }
    }

    @Test
    void theExternalCallIsExactlyWhatThePortalPrints() {
        var block = DocumentedCommands.blocks(DOC, DocumentedCommands.SHELL).stream()
                .filter(b -> b.text().contains("https://llm." + BASE_DOMAIN) && !b.text().contains(" -N "))
                .findFirst().orElseThrow();

        assertThat(block.commands()).isEqualTo(DocumentedCommands.commands(CARD.curlSnippet()));
    }

    @Test
    void theFirstPythonSnippetIsExactlyWhatThePortalPrints() {
        var first = DocumentedCommands.blocks(DOC, Set.of("python")).getFirst();

        assertThat(first.text().strip()).isEqualTo(CARD.pythonSnippet().strip());
    }

    @Test
    void everyPythonSnippetUsesTheEndpointsModelIdAndTheCredentialOfItsEndpoint() {
        var credentialOf = new LinkedHashMap<String, String>();
        curlCommands().forEach(c -> credentialOf.put(cardUrl(sideOf(c)), variableOf(c)));
        var baseUrls = new ArrayList<String>();
        var models = new ArrayList<String>();
        for (var block : DocumentedCommands.blocks(DOC, Set.of("python"))) {
            var client = Pattern.compile("OpenAI\\(base_url=\"([^\"]+)\", api_key=os\\.environ\\[\"([^\"]+)\"]\\)").matcher(block.text());
            while (client.find()) {
                baseUrls.add(client.group(1));
                assertThat(client.group(2)).as("the credential for %s", client.group(1)).isEqualTo(credentialOf.get(client.group(1)));
            }
            var model = Pattern.compile("model=\"([^\"]+)\"").matcher(block.text());
            while (model.find()) {
                models.add(model.group(1));
            }
        }
        assertThat(baseUrls).containsExactlyInAnyOrder(CARD.externalUrl(), CARD.internalUrl());
        assertThat(models).isNotEmpty().allSatisfy(m -> assertThat(m).isEqualTo(CARD.modelId()));
    }

    @Test
    void theEndpointTableAndTheSubdomainHostsAreTheRenderedHosts() {
        var doc = DocumentedCommands.file(DOC);
        var table = Pattern.compile("(?m)^\\| (external|internal) \\| `([^`]+)` \\|").matcher(doc);
        var urls = new LinkedHashMap<String, String>();
        while (table.find()) {
            urls.put(table.group(1), table.group(2).replace("<domain>", BASE_DOMAIN));
        }
        assertThat(urls).containsEntry("external", CARD.externalUrl()).containsEntry("internal", CARD.internalUrl());

        var subdomainSettings = withBaseDomain(ModelFixtures.settings(RoutingMode.SUBDOMAIN), BASE_DOMAIN);
        var subdomain = ModelObjects.subdomain(MODEL.getSpec());
        var hosts = Pattern.compile("the hosts are `([^`]+)` and `([^`]+)`").matcher(doc);
        assertThat(hosts.find()).isTrue();
        assertThat(hosts.group(1).replace("<subdomain>", subdomain).replace("<domain>", BASE_DOMAIN))
                .isEqualTo(ModelEndpoints.host(EndpointSide.EXTERNAL, MODEL.getSpec(), subdomainSettings));
        assertThat(hosts.group(2).replace("<subdomain>", subdomain).replace("<domain>", BASE_DOMAIN))
                .isEqualTo(ModelEndpoints.host(EndpointSide.INTERNAL, MODEL.getSpec(), subdomainSettings));
    }

    // --- fixtures ---

    /** The example model with the status the operator writes for it (endpoints and model id from the settings). */
    static LLMModel servedModel(PackSettings settings) {
        var model = ModelFixtures.parse(DocumentedCommands.file("examples/models/minimal.yaml"));
        model.getMetadata().setNamespace("llm-models");
        model.setStatus(new LLMModelStatus(Phase.Ready, List.of(), 1L, null, ModelEndpoints.status(model.getSpec(), settings),
                null, null));
        return model;
    }

    static PackSettings withBaseDomain(PackSettings base, String baseDomain) {
        var platform = base.platform();
        return new PackSettings(
                new PackSettings.Platform(baseDomain, platform.routing(), platform.gateway(), platform.tls(),
                        platform.monitoringNamespace()),
                base.auth(), base.defaults(), base.apiKeysNamespace(), base.watchNamespaces(), base.keyManager(), base.keys());
    }

    private static EndpointSide sideOf(Curl curl) {
        var sides = Stream.of(EndpointSide.values())
                .filter(side -> ModelEndpoints.host(side, MODEL.getSpec(), SETTINGS).equals(curl.uri().getHost())).toList();
        assertThat(sides).as("the endpoint whose host %s is", curl.uri().getHost()).hasSize(1);
        return sides.getFirst();
    }

    private static String cardUrl(EndpointSide side) {
        return side == EndpointSide.EXTERNAL ? CARD.externalUrl() : CARD.internalUrl();
    }

    private static ObjectTree route(EndpointSide side) {
        return ObjectTree.of(rendered(GatewayFacts.AI_GATEWAY_ROUTE_KIND, side.routeName(ModelObjects.of(MODEL))));
    }

    private static HasMetadata rendered(String kind, String name) {
        return RENDERED.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }

    private static String variableOf(Curl curl) {
        var matcher = BEARER_VARIABLE.matcher(curl.header(GatewayFacts.API_KEY_HEADER).orElseThrow());
        assertThat(matcher.matches()).isTrue();
        return matcher.group(1);
    }

    /** The value the page exports for a variable ({@code export LLM_API_KEY="sk-..."}). */
    private static String exported(String variable) {
        Map<String, String> exported = new LinkedHashMap<>();
        for (var block : DocumentedCommands.blocks(DOC, DocumentedCommands.SHELL)) {
            for (var line : block.logicalLines()) {
                if (line.strip().startsWith("export ")) {
                    exported.putAll(DocumentedCommands.assignments(line));
                }
            }
        }
        assertThat(exported).as("variables exported in %s", DOC).containsKey(variable);
        return exported.get(variable);
    }
}
