package dev.nebari.llm.localgateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.GatewayRenderer;
import dev.nebari.llm.gateway.KeyCheckRouteRenderer;
import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the local gateway feeds aigw: the applied objects with exactly the documented substitutions. */
class GatewayFeedTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();
    static final GatewayLayout LAYOUT = GatewayLayout.of(ModelFixtures.settings(RoutingMode.SHARED), true, 41000, 41001, 41002, 41003);

    static final AccessInputs ACCESS = new AccessInputs(List.of("keys.team-a.qwen3.0"), List.of("k1"),
            new AccessInputs.OidcProvider("https://id.example.com", "https://id.example.com/jwks"));

    static List<GenericKubernetesResource> rendered(String kind) {
        var model = ModelFixtures.model("team-a", "qwen3", "Qwen/Qwen3-0.6B",
                "access: {groups: [data-science]}\nlimits: {requestsPerMinute: 5}");
        var objects = GatewayRenderer.render(model, ModelFixtures.settings(RoutingMode.SHARED), ACCESS);
        return objects.inNamespace().stream().filter(o -> o.getKind().equals(kind))
                .map(o -> YAML.unmarshal(YAML.asYaml(o), GenericKubernetesResource.class)).toList();
    }

    static List<GenericKubernetesResource> policies() {
        var policies = new java.util.ArrayList<>(rendered("SecurityPolicy"));
        policies.addAll(rendered("BackendTrafficPolicy"));
        return policies;
    }

    @Test
    void routesGoToTheOneLocalGatewayAndTheirPoolToItsSimulatedServer() {
        var files = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(rendered("AIGatewayRoute"), policies(), List.of(),
                List.of(), Map.of("team-a/qwen3", List.of(45678))));

        assertThat(files.startup()).contains("kind: \"Gateway\"", "port: 41000", "port: 41001",
                "hostname: \"llm.example.com\"", "hostname: \"llm-internal.example.com\"");
        assertThat(files.startup()).doesNotContain("nebari-internal-gateway").contains("sectionName: \"llm-internal-https\"");
        assertThat(files.startup()).doesNotContain("InferencePool")
                .contains("kind: \"AIServiceBackend\"", "name: \"qwen3-simulated\"", "port: 45678");
        assertThat(files.startup().split("kind: \"AIServiceBackend\"", -1)).as("one backend for both routes").hasSize(2);
    }

    /** A pool whose Deployment runs three replicas: one simulated server each, so one endpoint each in the Backend. */
    @Test
    void aPoolOfThreeReplicasGetsAnEndpointPerReplica() {
        var files = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(rendered("AIGatewayRoute"), policies(), List.of(),
                List.of(), Map.of("team-a/qwen3", List.of(45001, 45002, 45003))));

        var oneReplica = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(rendered("AIGatewayRoute"), policies(), List.of(),
                List.of(), Map.of("team-a/qwen3", List.of(45001))));

        assertThat(files.startup()).contains("port: 45001", "port: 45002", "port: 45003");
        assertThat(files.startup().split("kind: \"Backend\"", -1)).as("as many Backends as with one replica")
                .hasSameSizeAs(oneReplica.startup().split("kind: \"Backend\"", -1));
    }

    /** Substitution 6: a weighted revision's Backend at its Service's DNS name goes to the Service's simulated server. */
    @Test
    void aWeightedBackendAtAModelServiceGoesToThatServicesSimulatedServer() {
        var model = ModelFixtures.model("team-a", "qwen3", "Qwen/Qwen3-0.6B", "access: {public: true}\ntraffic: {weight: 80}");
        var backends = dev.nebari.llm.gateway.WeightedBackendRenderer.render(model).stream()
                .map(o -> YAML.unmarshal(YAML.asYaml(o), GenericKubernetesResource.class)).toList();

        var files = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(List.of(), List.of(), List.of(), List.of(), Map.of(),
                backends, Map.of("team-a/qwen3", List.of(45679))));
        var unknown = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(List.of(), List.of(), List.of(), List.of(), Map.of(),
                backends, Map.of()));

        assertThat(files.startup()).contains("kind: \"AIServiceBackend\"", "kind: \"Backend\"", "name: \"qwen3-weighted\"",
                "hostname: \"localhost\"", "port: 45679").doesNotContain("svc.cluster.local");
        assertThat(unknown.startup()).as("no server: nothing listens, as for a Service without ready pods")
                .contains("port: " + GatewayFeed.NOTHING_LISTENS);
    }

    @Test
    void aRouteWaitsForItsSecurityPolicy() {
        var withoutPolicies = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(rendered("AIGatewayRoute"), List.of(),
                List.of(), List.of(), Map.of()));
        assertThat(withoutPolicies.startup()).doesNotContain("AIGatewayRoute");

        var keyCheck = KeyCheckRouteRenderer.render(ModelFixtures.settings(RoutingMode.SHARED), List.of("keys.team-a.qwen3.0"));
        var withIt = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(List.of(keyCheck.get(0)), List.of(keyCheck.get(1)),
                List.of(), List.of(), Map.of()));
        assertThat(withIt.startup()).contains("kind: \"AIGatewayRoute\"", KeyCheckRouteRenderer.NAME);
    }

    @Test
    void policiesGrantsAndKeySecretsAreLiveWithoutWhatTheApiServerAdded() {
        var secret = new SecretBuilder().withNewMetadata().withName("keys.team-a.qwen3.0").withNamespace("llm-api-keys")
                .withResourceVersion("42").withUid("u-1").addToAnnotations("key.llm.nebari.dev/k1", "{\"v\":1}")
                .endMetadata().withData(Map.of("k1", "c2stc2VjcmV0")).build();
        var files = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(rendered("AIGatewayRoute"), policies(), List.of(),
                List.of(secret), Map.of()));

        assertThat(files.live()).contains("kind: \"SecurityPolicy\"", "kind: \"BackendTrafficPolicy\"", "k1: \"c2stc2VjcmV0\"")
                .doesNotContain("resourceVersion", "uid", "key.llm.nebari.dev/k1");
        assertThat(files.live()).as("the rate-limit cluster is pointed at the local service")
                .contains("kind: \"EnvoyPatchPolicy\"", "ratelimit_cluster", "value: 41002");
        var withoutLimits = GatewayFeed.render(LAYOUT, new GatewayFeed.PackState(List.of(), rendered("SecurityPolicy"),
                List.of(), List.of(), Map.of()));
        assertThat(withoutLimits.live()).doesNotContain("EnvoyPatchPolicy");
    }

    @Test
    void theSameStateGivesTheSameFilesAndOnlyRoutesChangeTheStartup() {
        var state = new GatewayFeed.PackState(rendered("AIGatewayRoute"), policies(), List.of(), List.of(), Map.of("team-a/qwen3", List.of(1)));
        var again = new GatewayFeed.PackState(List.copyOf(rendered("AIGatewayRoute")).reversed(), policies().reversed(),
                List.of(), List.of(), Map.of("team-a/qwen3", List.of(1)));
        assertThat(GatewayFeed.render(LAYOUT, again)).isEqualTo(GatewayFeed.render(LAYOUT, state));

        var otherPolicies = new GatewayFeed.PackState(state.routes(), rendered("SecurityPolicy"), List.of(), List.of(),
                Map.of("team-a/qwen3", List.of(1)));
        assertThat(GatewayFeed.render(LAYOUT, otherPolicies).startupDigest()).isEqualTo(GatewayFeed.render(LAYOUT, state).startupDigest());
        var otherPort = new GatewayFeed.PackState(state.routes(), policies(), List.of(), List.of(), Map.of("team-a/qwen3", List.of(2)));
        assertThat(GatewayFeed.render(LAYOUT, otherPort).startupDigest()).isNotEqualTo(GatewayFeed.render(LAYOUT, state).startupDigest());
    }

    /** An external provider's objects as the operator applied them, with the route that leads to them and its policy. */
    static GatewayFeed.PackState providerState(boolean withServiceBackend) {
        var provider = dev.nebari.llm.model.PassthroughFixtures.parse(dev.nebari.llm.model.PassthroughFixtures.REFERENCE_PASSTHROUGH
                .replace("    credential:\n", "    caBundle:\n      configMapName: private-ca\n    credential:\n"));
        var rendered = dev.nebari.llm.gateway.PassthroughRenderer.render(provider, ModelFixtures.settings(RoutingMode.SHARED),
                ACCESS, java.util.Set.of());
        var generic = (java.util.function.Function<io.fabric8.kubernetes.api.model.HasMetadata, GenericKubernetesResource>)
                o -> YAML.unmarshal(YAML.asYaml(o), GenericKubernetesResource.class);
        var providers = rendered.provider().stream().map(generic)
                .filter(o -> withServiceBackend || !o.getKind().equals("AIServiceBackend")).toList();
        var routes = rendered.gateway().routes().values().stream().map(generic).toList();
        var policies = rendered.gateway().policies().stream().map(generic).toList();
        var credential = new SecretBuilder().withNewMetadata().withName("openrouter-credential").withNamespace("team-a").endMetadata()
                .withData(Map.of("apiKey", "c2VjcmV0")).build();
        var unrelated = new SecretBuilder().withNewMetadata().withName("someone-elses").withNamespace("team-a").endMetadata()
                .withData(Map.of("password", "aHVudGVyMg==")).build();
        var ca = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("private-ca").withNamespace("team-a")
                .endMetadata().withData(Map.of("ca.crt", "-----BEGIN CERTIFICATE-----")).build();
        return new GatewayFeed.PackState(routes, policies, List.of(), List.of(), Map.of(), providers,
                List.of(credential, unrelated), List.of(ca));
    }

    @Test
    void aProvidersObjectsStartTheGatewayWithTheCredentialSecretAndCaConfigMapTheyNameAndNothingElse() {
        var files = GatewayFeed.render(LAYOUT, providerState(true));

        assertThat(files.startup()).contains("kind: \"Backend\"", "kind: \"BackendTLSPolicy\"", "kind: \"AIServiceBackend\"",
                "kind: \"BackendSecurityPolicy\"", "name: \"openrouter-credential\"", "name: \"private-ca\"",
                "kind: \"AIGatewayRoute\"");
        assertThat(files.startup()).doesNotContain("someone-elses").doesNotContain("aHVudGVyMg==");
        assertThat(files.live()).doesNotContain("openrouter-credential");
    }

    @Test
    void aRouteToAProviderWaitsForItsAiServiceBackend() {
        var files = GatewayFeed.render(LAYOUT, providerState(false));

        assertThat(files.startup()).doesNotContain("kind: \"AIGatewayRoute\"");
    }
}
