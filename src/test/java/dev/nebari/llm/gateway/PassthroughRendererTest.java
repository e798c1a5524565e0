package dev.nebari.llm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.PassthroughFixtures;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an external provider gets at the gateway, decision by decision (the whole of it is in the golden files). */
class PassthroughRendererTest {

    static final AccessInputs ACCESS = new AccessInputs(List.of("keys.team-a.openrouter.0"), List.of("k-1"),
            new AccessInputs.OidcProvider("https://id.example.com", "https://id.example.com/jwks"));

    static PassthroughRenderer.Rendered render(PassthroughModel provider, Set<String> servedLocally) {
        return PassthroughRenderer.render(provider, ModelFixtures.settings(RoutingMode.SHARED), ACCESS, servedLocally);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules(HasMetadata route) {
        return (List<Map<String, Object>>) GenericResources.spec((GenericKubernetesResource) route).get("rules");
    }

    @SuppressWarnings("unchecked")
    static List<String> matchedIds(Map<String, Object> rule) {
        return ((List<Map<String, Object>>) rule.get("matches")).stream()
                .flatMap(match -> ((List<Map<String, Object>>) match.get("headers")).stream())
                .map(header -> header.get("type") + " " + header.get("value")).toList();
    }

    @Test
    void everyListedIdIsAnExactMatchToTheProvidersBackend() {
        var route = render(PassthroughFixtures.referencePassthrough(), Set.of()).gateway().routes().get(EndpointSide.EXTERNAL);

        assertThat(rules(route)).singleElement().satisfies(rule -> {
            assertThat(matchedIds(rule)).containsExactly("Exact openai/gpt-4o-mini", "Exact anthropic/claude-sonnet-4.5");
            assertThat(rule.get("backendRefs")).isEqualTo(List.of(Map.of("name", "openrouter-provider")));
        });
    }

    @Test
    void theCatchAllIsOneRuleMatchingAnyModelIdAfterTheListedOnes() {
        var provider = PassthroughFixtures.withModels("{ids: [vendor/a], catchAll: true}");

        var rules = rules(render(provider, Set.of()).gateway().routes().get(EndpointSide.EXTERNAL));

        assertThat(rules).hasSize(2);
        assertThat(matchedIds(rules.get(0))).containsExactly("Exact vendor/a");
        assertThat(matchedIds(rules.get(1))).containsExactly("RegularExpression " + PassthroughRenderer.ANY_MODEL);
    }

    @Test
    void anIdAnLlmModelServesIsLeftOutOfTheRoute() {
        var rendered = render(PassthroughFixtures.referencePassthrough(), Set.of("openai/gpt-4o-mini"));

        assertThat(rendered.routedIds()).containsExactly("anthropic/claude-sonnet-4.5");
        assertThat(rules(rendered.gateway().routes().get(EndpointSide.EXTERNAL))).singleElement()
                .satisfies(rule -> assertThat(matchedIds(rule)).containsExactly("Exact anthropic/claude-sonnet-4.5"));
    }

    @Test
    void whenEveryListedIdIsServedLocallyNoRouteOrPolicyIsRenderedAndStatusLearnsWhy() {
        var rendered = render(PassthroughFixtures.referencePassthrough(), Set.of("openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"));

        assertThat(rendered.gateway().routes()).isEmpty();
        assertThat(rendered.gateway().policies()).isEmpty();
        assertThat(rendered.gateway().withheld()).extracting(GatewayRenderer.Withheld::reason)
                .containsOnly("every model id it lists is served by an LLMModel");
        assertThat(rendered.provider()).hasSize(4);
    }

    @Test
    void theProviderIsReachedOverTlsWithSystemCasAndItsHostAsSni() {
        var tls = (GenericKubernetesResource) render(PassthroughFixtures.referencePassthrough(), Set.of()).provider().get(1);

        assertThat(tls.getKind()).isEqualTo("BackendTLSPolicy");
        assertThat(GenericResources.spec(tls).get("validation"))
                .isEqualTo(Map.of("hostname", "openrouter.ai", "wellKnownCACertificates", "System"));
    }

    @Test
    void aPrivateProvidersCaComesFromItsConfigMap() {
        var provider = PassthroughFixtures.parse(PassthroughFixtures.REFERENCE_PASSTHROUGH.replace(
                "    credential:\n", "    caBundle:\n      configMapName: private-ca\n    credential:\n"));

        var tls = (GenericKubernetesResource) render(provider, Set.of()).provider().get(1);

        assertThat(GenericResources.spec(tls).get("validation")).isEqualTo(Map.of("hostname", "openrouter.ai",
                "caCertificateRefs", List.of(Map.of("group", "", "kind", "ConfigMap", "name", "private-ca"))));
    }

    @Test
    void theSchemaPrefixIsWhatAiGatewayReadsForOpenAi() {
        var backend = (GenericKubernetesResource) render(PassthroughFixtures.referencePassthrough(), Set.of()).provider().get(2);

        assertThat(GenericResources.spec(backend).get("schema")).isEqualTo(Map.of("name", "OpenAI", "prefix", "api/v1"));
    }

    @Test
    void aDisabledEndpointHasNoRouteAndNoPolicy() {
        var provider = PassthroughFixtures.parse(PassthroughFixtures.REFERENCE_PASSTHROUGH
                + "  endpoints:\n    internal:\n      enabled: false\n");

        var gateway = render(provider, Set.of()).gateway();

        assertThat(gateway.routes()).containsOnlyKeys(EndpointSide.EXTERNAL);
        assertThat(gateway.policies()).extracting(p -> p.getMetadata().getName())
                .containsExactly("openrouter-external", "openrouter");
    }

    @Test
    void inSubdomainModeTheProviderHasItsOwnHostNamedAfterIt() {
        var route = PassthroughRenderer.render(PassthroughFixtures.referencePassthrough(),
                ModelFixtures.settings(RoutingMode.SUBDOMAIN), ACCESS, Set.of()).gateway().routes().get(EndpointSide.EXTERNAL);

        assertThat(GenericResources.spec((GenericKubernetesResource) route).get("hostnames"))
                .isEqualTo(List.of("openrouter.llm.example.com"));
    }
}
