package dev.nebari.llm.gateway;

import static dev.nebari.llm.model.ModelFixtures.SERIALIZATION;
import static dev.nebari.llm.model.ModelFixtures.parse;
import static dev.nebari.llm.model.ModelFixtures.referenceModel;
import static dev.nebari.llm.model.ModelFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GatewayRenderersTest {

    static final AccessInputs.OidcProvider OIDC = new AccessInputs.OidcProvider(
            "https://id.example.com/realms/nebari", "https://id.example.com/realms/nebari/keys");
    static final AccessInputs ACCESS = new AccessInputs(List.of("keys-0", "keys-1"), List.of("c-b", "c-a"), OIDC);
    static final ModelObjects NAMES = new ModelObjects("qwen3", "team-a");

    static LLMModel model(String specYaml) {
        return parse("""
                apiVersion: llm.nebari.dev/v1alpha1
                kind: LLMModel
                metadata: {name: qwen3, namespace: team-a}
                spec:
                """ + specYaml.indent(2));
    }

    static ObjectTree route(EndpointSide side, RoutingMode mode) {
        return ObjectTree.of(RouteRenderer.route(side, referenceModel(), settings(mode)));
    }

    static List<String> names(GatewayRenderer.GatewayObjects objects) {
        return objects.inNamespace().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    }

    @Nested
    class Scheduler {

        @Test
        void poolSelectsModelServerPodsAndNeverThePicker() {
            var pool = ObjectTree.of(SchedulerRenderer.inferencePool(referenceModel()));
            assertThat(pool.at("spec.selector.matchLabels")).isEqualTo(NAMES.modelServerPods());
            var pickerPods = SchedulerRenderer.deployment(referenceModel(), settings()).getSpec().getTemplate().getMetadata().getLabels();
            assertThat(ObjectTree.selects(NAMES.modelServerPods(), pickerPods)).isFalse();
        }

        @Test
        void poolTargetsPort8000AndPointsAtThePickerService() {
            var pool = ObjectTree.of(SchedulerRenderer.inferencePool(referenceModel()));
            assertThat(pool.at("apiVersion")).isEqualTo("inference.networking.k8s.io/v1");
            assertThat(pool.list("spec.targetPorts")).containsExactly(Map.of("number", 8000));
            assertThat(pool.map("spec.endpointPickerRef")).isEqualTo(Map.of("name", "qwen3-epp", "kind", "Service", "port", Map.of("number", 9002)));
        }

        @Test
        void pickerPullsWithThePacksAndTheModelsSecrets() {
            var model = model("""
                    model: {name: Qwen/Qwen3-0.6B}
                    access: {public: true}
                    serving: {imagePullSecrets: [team-registry]}
                    """);
            var settings = ModelFixtures.withImagePullSecrets(settings(), List.of("corp-registry"));

            assertThat(SchedulerRenderer.deployment(model, settings).getSpec().getTemplate().getSpec().getImagePullSecrets())
                    .extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
                    .containsExactly("corp-registry", "team-registry");
            assertThat(SchedulerRenderer.deployment(referenceModel(), settings()).getSpec().getTemplate().getSpec()
                    .getImagePullSecrets()).isNullOrEmpty();
        }

        @Test
        void pickerRunsWithTheDocumentedFlags() {
            var container = SchedulerRenderer.deployment(referenceModel(), settings()).getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertThat(container.getImage()).isEqualTo("llm-d-inference-scheduler:v0.6.0");
            assertThat(container.getArgs()).containsExactly(
                    "--pool-name", "qwen3", "--pool-namespace", "team-a", "--grpc-port", "9002", "--grpc-health-port", "9003",
                    "--metrics-port", "9090", "--config-file", "/etc/epp/epp-config.yaml");
            assertThat(container.getLivenessProbe().getGrpc().getPort()).isEqualTo(9003);
            assertThat(container.getReadinessProbe().getGrpc().getPort()).isEqualTo(9003);
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        }

        @Test
        void pickerServiceExposesGrpcHealthAndMetrics() {
            var service = SchedulerRenderer.service(referenceModel());
            assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
                    .containsExactly("grpc:9002", "grpc-health:9003", "metrics:9090");
            assertThat(service.getSpec().getSelector()).isEqualTo(NAMES.endpointPickerPods());
        }

        @Test
        void pickerAlwaysHasAConfigFile() {
            var yaml = SchedulerRenderer.config(referenceModel()).getData().get("epp-config.yaml");
            var config = SERIALIZATION.unmarshal(yaml, Map.class);
            assertThat(config).containsEntry("apiVersion", "inference.networking.x-k8s.io/v1alpha1").containsEntry("kind", "EndpointPickerConfig");
            assertThat(new ObjectTree(config).list("schedulingProfiles")).hasSize(1);
            assertThat(new ObjectTree(config).list("plugins")).contains(Map.of("type", "max-score-picker"));
        }

        @Test
        void schedulerConfigReplacesTheDefaultConfig() {
            var model = model("""
                    model: {name: org/model, storage: {size: 1Gi}}
                    access: {public: true}
                    advanced: {inferencePool: {schedulerConfig: {kind: EndpointPickerConfig, plugins: [{type: prefix-cache-scorer}]}}}
                    """);
            var yaml = SchedulerRenderer.config(model).getData().get("epp-config.yaml");
            assertThat(SERIALIZATION.unmarshal(yaml, Map.class)).isEqualTo(
                    Map.of("kind", "EndpointPickerConfig", "plugins", List.of(Map.of("type", "prefix-cache-scorer"))));
        }

        @Test
        void pickerRoleReadsPoolsPodsEndpointsAndObjectivesInBothGroups() {
            var rules = SchedulerRenderer.role(referenceModel()).getRules();
            assertThat(rules).allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("get", "list", "watch"));
            assertThat(rules).extracting(r -> r.getApiGroups().getFirst() + ":" + String.join(",", r.getResources())).containsExactly(
                    "inference.networking.k8s.io:inferencepools",
                    ":pods,services,endpoints",
                    "discovery.k8s.io:endpointslices",
                    "inference.networking.x-k8s.io:inferenceobjectives",
                    "llm-d.ai:inferenceobjectives");
        }
    }

    @Nested
    class Routes {

        @Test
        void attachesToTheConfiguredListenerOnly() {
            assertThat(route(EndpointSide.EXTERNAL, RoutingMode.SHARED).list("spec.parentRefs")).containsExactly(
                    Map.of("name", "nebari-gateway", "namespace", "envoy-gateway-system", "sectionName", "llm-https"));
            assertThat(route(EndpointSide.INTERNAL, RoutingMode.SHARED).at("spec.parentRefs[0].sectionName")).isEqualTo("llm-internal-https");
        }

        @Test
        void matchesOnlyTheModelHeader() {
            var route = route(EndpointSide.EXTERNAL, RoutingMode.SHARED);
            assertThat(route.list("spec.rules")).hasSize(1);
            assertThat(route.list("spec.rules[0].matches")).containsExactly(
                    Map.of("headers", List.of(Map.of("type", "Exact", "name", "x-ai-eg-model", "value", "Qwen/Qwen3-0.6B"))));
        }

        /** Aliases and LoRA adapters meet in the one rule: the model id, then its aliases, then its adapters' ids. */
        @Test
        void matchesTheModelIdItsAliasesAndItsAdapterIdsOnBothSides() {
            var model = model("""
                    model: {name: org/model, aliases: [chat-default], storage: {size: 1Gi}}
                    access: {public: true}
                    adapters: [{name: org/sql-lora}]
                    """);
            for (var side : EndpointSide.values()) {
                var route = ObjectTree.of(RouteRenderer.route(side, model, settings()));
                assertThat(route.list("spec.rules")).as(side.name()).hasSize(1);
                var ids = IntStream.range(0, route.list("spec.rules[0].matches").size())
                        .mapToObj(i -> route.at("spec.rules[0].matches[" + i + "].headers[0].value")).toList();
                assertThat(ids).as(side.name()).containsExactly("org/model", "chat-default", "org/sql-lora");
            }
        }

        @Test
        void sendsTrafficToTheInferencePool() {
            assertThat(route(EndpointSide.EXTERNAL, RoutingMode.SHARED).list("spec.rules[0].backendRefs")).containsExactly(
                    Map.of("group", "inference.networking.k8s.io", "kind", "InferencePool", "name", "qwen3"));
        }

        @Test
        void usesTheSpecRequestTimeout() {
            assertThat(route(EndpointSide.EXTERNAL, RoutingMode.SHARED).at("spec.rules[0].timeouts.request")).isEqualTo("600s");
            var model = model("""
                    model: {name: org/model, storage: {size: 1Gi}}
                    access: {public: true}
                    endpoints: {requestTimeout: 1h}
                    """);
            assertThat(ObjectTree.of(RouteRenderer.route(EndpointSide.INTERNAL, model, settings())).at("spec.rules[0].timeouts.request")).isEqualTo("1h");
        }

        @Test
        void countsInputOutputAndTotalTokens() {
            assertThat(route(EndpointSide.EXTERNAL, RoutingMode.SHARED).list("spec.llmRequestCosts")).extracting(c -> (Object) ((Map<?, ?>) c).get("type"))
                    .containsExactly("InputToken", "OutputToken", "TotalToken");
        }

        @Test
        void hasNoHostnamesInSharedMode() {
            assertThat(route(EndpointSide.EXTERNAL, RoutingMode.SHARED).at("spec.hostnames")).isNull();
        }

        @Test
        void hasThePerModelHostInSubdomainMode() {
            assertThat(route(EndpointSide.EXTERNAL, RoutingMode.SUBDOMAIN).list("spec.hostnames")).containsExactly("qwen-qwen3-0-6b.llm.example.com");
            assertThat(route(EndpointSide.INTERNAL, RoutingMode.SUBDOMAIN).list("spec.hostnames")).containsExactly("qwen-qwen3-0-6b.llm-internal.example.com");
        }

        @Test
        void usesTheExplicitSubdomainWhenSet() {
            var model = model("""
                    model: {name: org/model, storage: {size: 1Gi}}
                    access: {public: true}
                    endpoints: {external: {subdomain: chat}}
                    """);
            assertThat(ModelEndpoints.host(EndpointSide.EXTERNAL, model.getSpec(), settings(RoutingMode.SUBDOMAIN))).isEqualTo("chat.llm.example.com");
        }
    }

    @Nested
    class KeyCheck {

        @Test
        void isWantedInSharedModeWithTheKeyManagerOnly() {
            assertThat(KeyCheckRouteRenderer.isWanted(ModelFixtures.settings(PackSettings.RoutingMode.SHARED))).isTrue();
            assertThat(KeyCheckRouteRenderer.isWanted(ModelFixtures.settings(PackSettings.RoutingMode.SUBDOMAIN))).isFalse();
            var shared = ModelFixtures.settings(PackSettings.RoutingMode.SHARED);
            var withoutKeys = new PackSettings(shared.platform(), shared.auth(), shared.defaults(), shared.apiKeysNamespace(),
                    shared.watchNamespaces(), new PackSettings.KeyManager(false), shared.keys());
            assertThat(KeyCheckRouteRenderer.isWanted(withoutKeys)).isFalse();
        }

        @Test
        void checksEveryKeyOnTheExternalListenerBeforeAnyModelIsKnown() {
            var objects = KeyCheckRouteRenderer.render(ModelFixtures.settings(PackSettings.RoutingMode.SHARED), List.of("b", "a", "a"));
            var route = ObjectTree.of(objects.get(0));
            assertThat(route.at("metadata.namespace")).isEqualTo("llm-api-keys");
            assertThat(route.at("spec.parentRefs[0].sectionName")).isEqualTo("llm-https");
            assertThat(route.list("spec.rules[0].matches[0].headers")).containsExactly(
                    Map.of("type", "RegularExpression", "name", "Authorization", "value", ".+"));
            assertThat(route.at("spec.rules[0].backendRefs")).isNull();
            var policy = ObjectTree.of(objects.get(1));
            assertThat(policy.list("spec.apiKeyAuth.credentialRefs")).containsExactly(
                    Map.of("group", "", "kind", "Secret", "name", "a"), Map.of("group", "", "kind", "Secret", "name", "b"));
            assertThat(policy.at("spec.apiKeyAuth.sanitize")).isEqualTo(true);
            assertThat(policy.at("spec.authorization")).as("authorization is each model's").isNull();
        }
    }

    @Nested
    class ExternalAccess {

        static ObjectTree policy(AccessInputs access) {
            return ObjectTree.of(AccessPolicyRenderer.externalPolicy(referenceModel(), settings(), access));
        }

        @Test
        void targetsTheGeneratedHttpRouteOfTheSameName() {
            assertThat(policy(ACCESS).list("spec.targetRefs")).containsExactly(
                    Map.of("group", "gateway.networking.k8s.io", "kind", "HTTPRoute", "name", "qwen3-external"));
        }

        @Test
        void authenticatesBearerKeysAgainstEveryGivenSecret() {
            var policy = policy(ACCESS);
            assertThat(policy.list("spec.apiKeyAuth.credentialRefs")).containsExactly(
                    Map.of("group", "", "kind", "Secret", "name", "keys-0", "namespace", "llm-api-keys"),
                    Map.of("group", "", "kind", "Secret", "name", "keys-1", "namespace", "llm-api-keys"));
            assertThat(policy.list("spec.apiKeyAuth.extractFrom")).containsExactly(Map.of("headers", List.of("Authorization")));
            assertThat(policy.at("spec.apiKeyAuth.forwardClientIDHeader")).isEqualTo("x-llm-client-id");
            assertThat(policy.at("spec.apiKeyAuth.sanitize")).isEqualTo(true);
        }

        @Test
        void allowsExactlyThisModelsClientIds() {
            var policy = policy(ACCESS);
            assertThat(policy.at("spec.authorization.defaultAction")).isEqualTo("Deny");
            assertThat(policy.list("spec.authorization.rules")).singleElement().isEqualTo(Map.of(
                    "name", "allow-model-clients", "action", "Allow",
                    "principal", Map.of("headers", List.of(Map.of("name", "x-llm-client-id", "values", List.of("c-a", "c-b"))))));
        }

        @Test
        void deniesEveryoneWhenTheModelHasNoKeys() {
            var policy = policy(new AccessInputs(List.of("keys-0"), List.of(), OIDC));
            assertThat(policy.map("spec.authorization")).isEqualTo(Map.of("defaultAction", "Deny"));
        }

        @Test
        void splitsLargeAllowListsIntoRulesOf256() {
            var ids = IntStream.range(0, 600).mapToObj(i -> "client-%04d".formatted(i)).toList();
            var rules = policy(new AccessInputs(List.of("keys-0"), ids, OIDC)).list("spec.authorization.rules");
            assertThat(rules).hasSize(3);
            var all = rules.stream().flatMap(r -> ((List<?>) new ObjectTree((Map<String, Object>) r).at("principal.headers[0].values")).stream()).toList();
            assertThat(all).hasSize(600).doesNotHaveDuplicates();
        }

        @Test
        void grantsPoliciesOfTheModelNamespaceAccessToKeySecrets() {
            var grant = ObjectTree.of(AccessPolicyRenderer.keysReferenceGrant(referenceModel(), settings()));
            assertThat(grant.at("metadata.namespace")).isEqualTo("llm-api-keys");
            assertThat(grant.at("metadata.labels")).isEqualTo(NAMES.labelsElsewhere(ModelObjects.Component.GATEWAY));
            assertThat(grant.list("spec.from")).containsExactly(Map.of("group", "gateway.envoyproxy.io", "kind", "SecurityPolicy", "namespace", "team-a"));
            assertThat(grant.list("spec.to")).containsExactly(Map.of("group", "", "kind", "Secret"));
        }
    }

    @Nested
    class InternalAccess {

        static ObjectTree policy(LLMModel model) {
            return ObjectTree.of(AccessPolicyRenderer.internalPolicy(model, settings(), OIDC));
        }

        @Test
        void validatesJwtsWithTheDiscoveredJwksUri() {
            var provider = policy(referenceModel()).map("spec.jwt.providers[0]");
            assertThat(provider).containsEntry("name", "oidc")
                    .containsEntry("issuer", "https://id.example.com/realms/nebari")
                    .containsEntry("remoteJWKS", Map.of("uri", "https://id.example.com/realms/nebari/keys"))
                    .doesNotContainKey("audiences");
            assertThat(provider.get("claimToHeaders")).isEqualTo(List.of(
                    Map.of("claim", "groups", "header", "x-llm-groups"),
                    Map.of("claim", "preferred_username", "header", "x-llm-user")));
        }

        @Test
        void allowsOnlyTheModelsGroupsInBothSpellings() {
            var policy = policy(referenceModel());
            assertThat(policy.at("spec.authorization.defaultAction")).isEqualTo("Deny");
            assertThat(policy.at("spec.authorization.rules[0].principal.jwt")).isEqualTo(Map.of(
                    "provider", "oidc",
                    "claims", List.of(Map.of("name", "groups", "valueType", "StringArray", "values", List.of("data-science", "/data-science")))));
        }

        @Test
        void letsAnyAuthenticatedUserInWhenPublic() {
            var model = model("""
                    model: {name: org/model, storage: {size: 1Gi}}
                    access: {public: true}
                    """);
            assertThat(policy(model).at("spec.authorization")).isNull();
        }
    }

    @Nested
    class RateLimits {

        static final String LIMITED = """
                model: {name: org/model, storage: {size: 1Gi}}
                access: {public: true}
                limits: {requestsPerMinute: 60, tokensPerMinute: 10000, tokensPerDay: 1000000}
                """;

        @Test
        void rendersNoPolicyWithoutLimits() {
            assertThat(RateLimitPolicyRenderer.render(referenceModel(), List.of(EndpointSide.values()))).isEmpty();
        }

        @Test
        void limitsEachKeyAndEachUserOnTheirOwnRoute() {
            var policy = ObjectTree.of(RateLimitPolicyRenderer.render(model(LIMITED), List.of(EndpointSide.values())).orElseThrow());
            assertThat(policy.list("spec.targetRefs")).extracting(t -> (Object) ((Map<?, ?>) t).get("name")).containsExactly("qwen3-external", "qwen3-internal");
            var rules = policy.list("spec.rateLimit.global.rules");
            assertThat(rules).hasSize(6);
            assertThat(policy.at("spec.rateLimit.global.rules[0].clientSelectors")).isEqualTo(
                    List.of(Map.of("headers", List.of(Map.of("name", "x-llm-client-id", "type", "Distinct")))));
            assertThat(policy.at("spec.rateLimit.global.rules[3].clientSelectors[0].headers[0].name")).isEqualTo("x-llm-user");
        }

        @Test
        void countsRequestsPerMinute() {
            var policy = ObjectTree.of(RateLimitPolicyRenderer.render(model(LIMITED), List.of(EndpointSide.EXTERNAL)).orElseThrow());
            assertThat(policy.map("spec.rateLimit.global.rules[0]")).containsEntry("limit", Map.of("requests", 60L, "unit", "Minute"))
                    .doesNotContainKey("cost");
        }

        @Test
        void chargesTotalTokensAfterTheResponse() {
            var policy = ObjectTree.of(RateLimitPolicyRenderer.render(model(LIMITED), List.of(EndpointSide.EXTERNAL)).orElseThrow());
            assertThat(policy.at("spec.rateLimit.global.rules[2].limit")).isEqualTo(Map.of("requests", 1_000_000L, "unit", "Day"));
            assertThat(policy.at("spec.rateLimit.global.rules[1].cost")).isEqualTo(Map.of(
                    "request", Map.of("from", "Number", "number", 0),
                    "response", Map.of("from", "Metadata", "metadata", Map.of("namespace", "io.envoy.ai_gateway", "key", "llm_total_token"))));
        }
    }

    @Nested
    class Sides {

        /** Policies come first in apply order: the gateway never serves a route before its policy exists. */
        @Test
        void rendersRoutePolicyAndGrantPerEnabledSidePoliciesBeforeRoutes() {
            assertThat(names(GatewayRenderer.render(referenceModel(), settings(), ACCESS))).containsExactly(
                    "SecurityPolicy/qwen3-external", "SecurityPolicy/qwen3-internal",
                    "AIGatewayRoute/qwen3-external", "AIGatewayRoute/qwen3-internal");
        }

        @Test
        void rendersNothingForADisabledSide() {
            var model = model("""
                    model: {name: org/model, storage: {size: 1Gi}}
                    access: {public: true}
                    endpoints: {external: {enabled: false}}
                    limits: {requestsPerMinute: 5}
                    """);
            var objects = GatewayRenderer.render(model, settings(), ACCESS);
            assertThat(names(objects)).containsExactly("SecurityPolicy/qwen3-internal", "BackendTrafficPolicy/qwen3", "AIGatewayRoute/qwen3-internal");
            assertThat(objects.elsewhere()).isEmpty();
        }

        @Test
        void withholdsTheInternalEndpointUntilTheOidcProviderIsKnown() {
            var objects = GatewayRenderer.render(referenceModel(), settings(), new AccessInputs(List.of(), List.of(), null));
            assertThat(names(objects)).containsExactly("SecurityPolicy/qwen3-external", "AIGatewayRoute/qwen3-external");
            assertThat(objects.withheld()).extracting(GatewayRenderer.Withheld::name).containsOnly("qwen3-internal");
        }

        @Test
        void reportsEndpointUrlsOfEnabledSides() {
            var status = ModelEndpoints.status(referenceModel().getSpec(), settings());
            assertThat(status.external()).isEqualTo("https://llm.example.com/v1");
            assertThat(status.internal()).isEqualTo("https://llm-internal.example.com/v1");
            assertThat(status.model()).isEqualTo("Qwen/Qwen3-0.6B");
        }
    }

    static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }
}
