package dev.nebari.llm.chart;

import static dev.nebari.llm.chart.RenderedChart.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.chart.RenderedChart.Grant;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Least privilege, read from the rendered Roles and bindings (the real API-server check comes with impersonation). */
class ChartRbacTest {

    private static final String OPERATOR = FULLNAME + "-operator";
    private static final String PORTAL = FULLNAME + "-portal";
    private static final String KEYS = "llm-api-keys";
    private static final String MODELS = "team-a";
    private static final String RELEASE_NS = ChartRenderer.NAMESPACE;

    private final RenderedChart chart = ChartRenderer.installable().rendered();

    @Test
    void noRuleUsesAWildcard() {
        var rules = Stream.concat(
                chart.all(ClusterRole.class).flatMap(r -> r.getRules().stream()),
                chart.all(Role.class).flatMap(r -> r.getRules().stream()));
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
        });
    }

    @Test
    void thePortalReachesSecretsOnlyInTheKeysNamespaceAndItsOwnOidcSecretByName() {
        var secretGrants = chart.grantsOf(PORTAL).stream().filter(g -> g.touches("", "secrets")).toList();

        assertThat(secretGrants).allSatisfy(g -> assertThat(g.namespace()).isNotEmpty());
        assertThat(secretGrants).filteredOn(g -> !g.namespace().equals(KEYS)).allSatisfy(g -> {
            assertThat(g.namespace()).isEqualTo(RELEASE_NS);
            assertThat(g.rule().getResourceNames()).containsExactly(FULLNAME + "-keys-oidc-client");
        });
        assertThat(can(PORTAL, "", "secrets", "get", MODELS, "hf-token")).isFalse();
        assertThat(can(PORTAL, "", "secrets", "get", RELEASE_NS, FULLNAME + "-webhook-cert")).isFalse();
        for (var verb : List.of("create", "get", "list", "watch", "update", "patch", "delete")) {
            assertThat(can(PORTAL, "", "secrets", verb, KEYS, "any")).as(verb).isTrue();
        }
    }

    @Test
    void thePortalIsClusterWideOnlyAReaderOfModelsAndProvidersAndAnAuditEventWriter() {
        var clusterWide = chart.grantsOf(PORTAL).stream().filter(g -> g.namespace().isEmpty()).toList();
        assertThat(clusterWide).allSatisfy(g -> {
            if (g.rule().getApiGroups().contains("llm.nebari.dev")) {
                assertThat(g.rule().getResources()).containsExactly("llmmodels", "passthroughmodels");
                assertThat(g.rule().getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            } else {
                assertThat(g.rule().getResources()).containsExactly("events");
                assertThat(g.rule().getVerbs()).containsExactlyInAnyOrder("create", "patch");
            }
        });
    }

    @Test
    void theOperatorReadsNoSecretOutsideTheKeysNamespaceAndNeverRewritesKeys() {
        assertThat(chart.grantsOf(OPERATOR)).filteredOn(g -> g.touches("", "secrets"))
                .allSatisfy(g -> assertThat(g.namespace()).isIn(KEYS, RELEASE_NS));
        assertThat(can(OPERATOR, "", "secrets", "get", MODELS, "hf-token")).isFalse();
        assertThat(can(OPERATOR, "", "secrets", "get", RELEASE_NS, "anything-else")).isFalse();
        assertThat(can(OPERATOR, "", "secrets", "get", RELEASE_NS, FULLNAME + "-webhook-cert")).isTrue();
        assertThat(can(OPERATOR, "", "secrets", "update", KEYS, "keys-shard")).isFalse();
        assertThat(can(OPERATOR, "", "secrets", "delete", KEYS, "keys-shard")).as("key data belongs to the portal").isFalse();
        assertThat(can(OPERATOR, "", "secrets", "list", KEYS, null)).isTrue();
    }

    /** The portal keeps its id allocator and the shared audit history in ConfigMaps of the keys namespace only. */
    @Test
    void thePortalKeepsConfigMapsInTheKeysNamespaceOnly() {
        for (var verb : List.of("get", "list", "watch", "create", "update", "delete")) {
            assertThat(can(PORTAL, "", "configmaps", verb, KEYS, "llm-key-audit-1")).as(verb).isTrue();
            assertThat(can(PORTAL, "", "configmaps", verb, MODELS, "llm-key-audit-1")).as(verb).isFalse();
        }
    }

    /** The kinds {@code ModelManifestRenderer} puts into a model namespace (src/test/resources/golden/ has each). */
    static Stream<String[]> renderedKinds() {
        return Stream.of(
                new String[] {"", "persistentvolumeclaims"}, new String[] {"", "serviceaccounts"},
                new String[] {"", "services"}, new String[] {"", "configmaps"},
                new String[] {"apps", "deployments"}, new String[] {"autoscaling", "horizontalpodautoscalers"},
                new String[] {"networking.k8s.io", "networkpolicies"},
                new String[] {"rbac.authorization.k8s.io", "roles"}, new String[] {"rbac.authorization.k8s.io", "rolebindings"},
                new String[] {"monitoring.coreos.com", "podmonitors"},
                new String[] {"inference.networking.k8s.io", "inferencepools"},
                new String[] {"aigateway.envoyproxy.io", "aigatewayroutes"},
                new String[] {"gateway.envoyproxy.io", "securitypolicies"},
                new String[] {"gateway.envoyproxy.io", "backendtrafficpolicies"});
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("renderedKinds")
    void theOperatorManagesEachKindItRenders(String group, String resource) {
        for (var verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
            assertThat(can(OPERATOR, group, resource, verb, MODELS, "m")).as(verb).isTrue();
        }
    }

    @Test
    void theOperatorMayReadTheDownloaderLogButNotExecIntoPods() {
        assertThat(can(OPERATOR, "", "pods/log", "get", MODELS, "m")).isTrue();
        assertThat(can(OPERATOR, "", "pods/exec", "create", MODELS, "m")).isFalse();
    }

    @Test
    void theOperatorHoldsEverythingItGrantsTheEndpointPicker() {
        var picker = List.of(
                new String[] {"", "pods"}, new String[] {"", "services"}, new String[] {"", "endpoints"},
                new String[] {"discovery.k8s.io", "endpointslices"},
                new String[] {"inference.networking.k8s.io", "inferencepools"},
                new String[] {"inference.networking.x-k8s.io", "inferencepools"},
                new String[] {"inference.networking.x-k8s.io", "inferenceobjectives"},
                new String[] {"llm-d.ai", "inferencepools"},
                new String[] {"llm-d.ai", "inferenceobjectives"});
        for (var kind : picker) {
            for (var verb : List.of("get", "list", "watch")) {
                assertThat(can(OPERATOR, kind[0], kind[1], verb, MODELS, null)).as("%s/%s %s", kind[0], kind[1], verb).isTrue();
            }
        }
    }

    @Test
    void theOperatorOwnsLlmModelStatusAndFinalizers() {
        assertThat(can(OPERATOR, "llm.nebari.dev", "llmmodels/status", "patch", MODELS, "m")).isTrue();
        assertThat(can(OPERATOR, "llm.nebari.dev", "llmmodels/finalizers", "update", MODELS, "m")).isTrue();
        assertThat(can(OPERATOR, "llm.nebari.dev", "llmmodels", "create", MODELS, "m")).isFalse();
        assertThat(can(PORTAL, "llm.nebari.dev", "llmmodels/status", "patch", MODELS, "m")).isFalse();
    }

    @Test
    void theOperatorMayOnlyTouchItsOwnWebhookConfiguration() {
        var own = FULLNAME + "." + RELEASE_NS + ".llm.nebari.dev";
        assertThat(can(OPERATOR, "admissionregistration.k8s.io", "validatingwebhookconfigurations", "patch", "", own)).isTrue();
        assertThat(can(OPERATOR, "admissionregistration.k8s.io", "validatingwebhookconfigurations", "patch", "", "someone-elses")).isFalse();
    }

    @Test
    void theOperatorCannotChangeGatewaysUnlessItManagesTheListeners() {
        assertThat(can(OPERATOR, "gateway.networking.k8s.io", "gateways", "patch", "envoy-gateway-system", "nebari-gateway")).isFalse();
        assertThat(can(OPERATOR, "gateway.networking.k8s.io", "gateways", "get", "envoy-gateway-system", "nebari-gateway")).isTrue();

        var managing = ChartRenderer.installable().with("platform.gateway.manageSharedListeners", true)
                .with("platform.tls.clusterIssuer", "letsencrypt").rendered();
        assertThat(managing.grantsOf(OPERATOR)).anyMatch(g -> g.allows("gateway.networking.k8s.io", "gateways", "patch", "envoy-gateway-system", "nebari-gateway"));
        assertThat(managing.grantsOf(OPERATOR)).noneMatch(g -> g.allows("gateway.networking.k8s.io", "gateways", "patch", "envoy-gateway-system", "other-gateway"));
        assertThat(managing.grantsOf(OPERATOR)).anyMatch(g -> g.allows("cert-manager.io", "certificates", "create", "envoy-gateway-system", null));
    }

    @Test
    void eachIdentityHoldsOnlyItsOwnLease() {
        assertThat(can(OPERATOR, "coordination.k8s.io", "leases", "update", RELEASE_NS, FULLNAME + "-operator")).isTrue();
        assertThat(can(OPERATOR, "coordination.k8s.io", "leases", "update", RELEASE_NS, FULLNAME + "-portal")).isFalse();
        assertThat(can(PORTAL, "coordination.k8s.io", "leases", "update", RELEASE_NS, FULLNAME + "-portal")).isTrue();
        assertThat(can(PORTAL, "coordination.k8s.io", "leases", "update", RELEASE_NS, FULLNAME + "-operator")).isFalse();
        assertThat(chart.applicationConfig("leaderElection.operatorLeaseName")).contains(FULLNAME + "-operator");
        assertThat(chart.applicationConfig("leaderElection.portalLeaseName")).contains(FULLNAME + "-portal");
    }

    @Test
    void combinedModeGivesTheOneServiceAccountBothSetsOfPermissions() {
        var combined = ChartRenderer.installable().with("combined", true).rendered();

        assertThat(combined.grantsOf(OPERATOR)).anyMatch(g -> g.allows("", "secrets", "create", KEYS, null));
        assertThat(combined.grantsOf(OPERATOR)).anyMatch(g -> g.allows("coordination.k8s.io", "leases", "update", RELEASE_NS, FULLNAME + "-portal"));
        assertThat(combined.grantsOf(PORTAL)).isEmpty();
    }

    private boolean can(String serviceAccount, String group, String resource, String verb, String namespace, String name) {
        return chart.grantsOf(serviceAccount).stream().anyMatch(g -> allows(g, group, resource, verb, namespace, name));
    }

    private static boolean allows(Grant grant, String group, String resource, String verb, String namespace, String name) {
        return grant.allows(group, resource, verb, namespace, name);
    }
}
