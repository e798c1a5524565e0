package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.testing.ModelAssert.assertThatModel;
import dev.nebari.llm.manifests.ChildKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC, installed into a real API server (RBAC authorization on) and used by impersonating the
 * chart's ServiceAccounts: the operator, holding exactly its Roles, reconciles a model completely (its objects,
 * the ReferenceGrant in the keys namespace, status and Events); the portal may work with key Secrets in the keys
 * namespace and nothing else, and cannot read a Secret anywhere else.
 */
@WithKubernetes
class ChartRbacOnApiServerTest {

    static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
            "RoleBinding", "Namespace", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    static final String RELEASE_NAMESPACE = ChartRenderer.NAMESPACE;
    static final String FULLNAME = ChartRenderer.RELEASE + "-nebari-llm-serving";
    static final String KEYS = "llm-api-keys";

    @BeforeAll
    static void installTheChartsRbac(TestCluster cluster, KubernetesClient admin) {
        cluster.ensureNamespace(RELEASE_NAMESPACE);
        List<HasMetadata> rbac = ChartRenderer.installable().render().stream()
                .filter(o -> RBAC_KINDS.contains(o.getKind()))
                .toList();
        assertThat(rbac).extracting(HasMetadata::getKind).contains("ClusterRole", "Role", "ServiceAccount",
                "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
        for (var object : rbac) {
            admin.resource(object).fieldManager("helm").forceConflicts().serverSideApply();
        }
    }

    static Config as(TestCluster cluster, String serviceAccount) {
        return new ConfigBuilder(cluster.controlPlane().clientConfig())
                .withImpersonateUsername("system:serviceaccount:" + RELEASE_NAMESPACE + ":" + serviceAccount)
                .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + RELEASE_NAMESPACE,
                        "system:authenticated")
                .build();
    }

    @Test
    void theOperatorReconcilesAModelWithExactlyTheChartsRbac(TestCluster cluster, KubernetesClient admin) {
        var namespace = cluster.newNamespace("rbac-models");
        try (var operator = new RunningReconciler(cluster, as(cluster, FULLNAME + "-operator"), Duration.ofSeconds(5),
                pod -> Optional.empty())) {
            admin.resource(ModelFixtures.model(namespace, "guarded", "org/guarded",
                    "access: {groups: [llm-users]}\nlimits: {requestsPerMinute: 5}\n"
                            + "serving: {autoscaling: {minReplicas: 1, maxReplicas: 2}}\n"
                            // renders the weighted backend (AIServiceBackend and Backend), so every kind is written
                            + "traffic: {weight: 100}")).create();

            assertThatModel(admin, namespace, "guarded").within(Duration.ofSeconds(45)).eventuallyHasStatus(status -> {
                assertThat(StatusAggregator.find(status, ConditionType.READY).orElseThrow().getReason())
                        .as("no apply failure (forbidden) in %s", status).isNotEqualTo("ApplyFailed");
                for (var kind : java.util.Arrays.stream(ChildKind.values()).filter(k -> !k.providerOnly()).toList()) {
                    assertThat(admin.genericKubernetesResources(kind.apiVersion(), kind.kind()).inAnyNamespace()
                            .withLabel(ModelObjects.MODEL, "guarded").list().getItems()).as(kind.kind()).isNotEmpty();
                }
            });
            assertThat(operator.requests.recentWrites()).noneMatch(w -> w.contains("/secrets"));
        }
    }

    /** An external provider's objects, its status and its finalizer, with the chart's RBAC and never a Secret read. */
    @Test
    void theOperatorReconcilesAnExternalProviderWithExactlyTheChartsRbac(TestCluster cluster, KubernetesClient admin) {
        dev.nebari.llm.testing.ProviderCrds.install(admin);
        var namespace = cluster.newNamespace("rbac-providers");
        try (var operator = new RunningReconciler(cluster, as(cluster, FULLNAME + "-operator"), Duration.ofSeconds(5),
                pod -> Optional.empty())) {
            var provider = dev.nebari.llm.model.PassthroughFixtures.referencePassthrough();
            provider.getMetadata().setNamespace(namespace);
            provider.getMetadata().setName("guarded-provider");
            provider.getMetadata().setUid(null);
            admin.resource(provider).create();

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
                var stored = admin.resources(dev.nebari.llm.model.PassthroughModel.class).inNamespace(namespace)
                        .withName("guarded-provider").get();
                assertThat(stored.getMetadata().getFinalizers()).contains("llm.nebari.dev/cleanup");
                assertThat(stored.getStatus()).isNotNull();
                assertThat(stored.getStatus().conditions()).noneMatch(c -> "ApplyFailed".equals(c.getReason()));
                for (var kind : ChildKind.values()) {
                    if (kind.providerOnly() || kind.kind().equals("AIGatewayRoute") || kind.kind().equals("SecurityPolicy")) {
                        assertThat(admin.genericKubernetesResources(kind.apiVersion(), kind.kind()).inAnyNamespace()
                                .withLabel(ModelObjects.MODEL, "guarded-provider").list().getItems()).as(kind.kind()).isNotEmpty();
                    }
                }
            });
            assertThat(operator.requests.recentWrites()).noneMatch(w -> w.contains("/secrets"));
        }
    }

    /**
     * The ClusterRole lets the operator create Deployments and RoleBindings in any namespace (a model may be in any
     * managed one); the chart's admission policy confines those writes to the namespaces it serves, its keys and
     * its release namespace. (theOperatorReconcilesAModelWithExactlyTheChartsRbac runs with the policy in place.)
     */
    @Test
    void theOperatorCannotWriteOutsideTheNamespacesItServes(TestCluster cluster, KubernetesClient admin) {
        var served = cluster.newNamespace("rbac-served");
        var unserved = admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withGenerateName("rbac-unserved-").endMetadata().build()).create().getMetadata().getName();
        cluster.ensureNamespace(KEYS);
        try (var operator = new KubernetesClientBuilder().withConfig(as(cluster, FULLNAME + "-operator")).build()) {
            // the API server applies a new policy once its informer has it
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertRefusedByPolicy(() -> operator.configMaps().inNamespace("kube-system").resource(configMap("probe", false)).create()));

            assertRefusedByPolicy(() -> operator.apps().deployments().inNamespace("kube-system").resource(
                    new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata().withName("miner").endMetadata()
                            .withNewSpec().withNewSelector().addToMatchLabels("app", "miner").endSelector()
                            .withNewTemplate().withNewMetadata().addToLabels("app", "miner").endMetadata()
                            .withNewSpec().addNewContainer().withName("miner").withImage("miner").endContainer().endSpec()
                            .endTemplate().endSpec().build()).create());
            assertRefusedByPolicy(() -> operator.rbac().roleBindings().inNamespace("kube-system").resource(
                    new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder().withNewMetadata().withName("escalate").endMetadata()
                            // a role it holds itself, so RBAC's escalation check lets it through to the policy
                            .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", FULLNAME + "-operator")
                            .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace("kube-system").endSubject()
                            .build()).create());
            assertRefusedByPolicy(() -> operator.serviceAccounts().inNamespace(unserved).resource(
                    new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata().withName("sa").endMetadata().build())
                    .create());
            // someone else's object in an unserved namespace cannot be deleted either
            admin.configMaps().inNamespace(unserved).resource(configMap("theirs", false)).create();
            assertRefusedByPolicy(() -> operator.configMaps().inNamespace(unserved).withName("theirs").delete());

            // where it serves, and in the keys namespace, it writes as before
            operator.configMaps().inNamespace(served).resource(configMap("ok", false)).create();
            operator.configMaps().inNamespace(KEYS).resource(configMap("ok-" + served, false)).create();
            operator.configMaps().inNamespace(KEYS).withName("ok-" + served).delete();
            // and it may remove what it created in a namespace that no longer has the managed label
            admin.configMaps().inNamespace(unserved).resource(configMap("left-behind", true)).create();
            operator.configMaps().inNamespace(unserved).withName("left-behind").delete();
            assertThat(admin.configMaps().inNamespace(unserved).withName("left-behind").get()).isNull();
        }
    }

    static io.fabric8.kubernetes.api.model.ConfigMap configMap(String name, boolean ours) {
        return new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName(name)
                .withLabels(ours ? Map.of(ModelObjects.MANAGED_BY, ModelObjects.PACK) : Map.of()).endMetadata().build();
    }

    private static void assertRefusedByPolicy(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(403);
            assertThat(e.getMessage()).contains("writes only in the namespaces it serves");
        });
    }

    @Test
    void thePortalWorksWithKeySecretsInTheKeysNamespaceOnly(TestCluster cluster, KubernetesClient admin) {
        cluster.ensureNamespace(KEYS);
        var elsewhere = cluster.newNamespace("rbac-secrets");
        admin.secrets().inNamespace(elsewhere).resource(new SecretBuilder().withNewMetadata().withName("db-password")
                .endMetadata().withStringData(Map.of("password", "not-for-the-portal")).build()).create();

        try (var portal = new KubernetesClientBuilder().withConfig(as(cluster, FULLNAME + "-portal")).build()) {
            var secret = new SecretBuilder().withNewMetadata().withName("keys.rbac-test.m.0").withNamespace(KEYS)
                    .endMetadata().withData(Map.of()).build();
            portal.secrets().inNamespace(KEYS).resource(secret).create();
            assertThat(portal.secrets().inNamespace(KEYS).withName("keys.rbac-test.m.0").get()).isNotNull();
            assertThat(portal.secrets().inNamespace(KEYS).list().getItems()).isNotEmpty();
            portal.secrets().inNamespace(KEYS).withName("keys.rbac-test.m.0").delete();

            assertForbidden(() -> portal.secrets().inNamespace(elsewhere).withName("db-password").get());
            assertForbidden(() -> portal.secrets().inNamespace(elsewhere).list());
            assertForbidden(() -> portal.secrets().inAnyNamespace().list());
            assertForbidden(() -> portal.secrets().inNamespace(RELEASE_NAMESPACE).withName(FULLNAME + "-webhook-cert").get());
            assertForbidden(() -> portal.apps().deployments().inNamespace(elsewhere).list());
            assertThat(portal.resources(LLMModel.class).inAnyNamespace().list()).as("the portal lists models").isNotNull();
            assertForbidden(() -> portal.resource(ModelFixtures.model(elsewhere, "sneaky", "org/sneaky",
                    "access: {public: true}")).create());
        }
    }

    /**
     * The default install (operator and portal apart) as the portal sees it: its own ServiceAccount's token, the
     * application configuration the chart renders with its default values, and a key minted through the REST API.
     * Minting reserves client ids on a ConfigMap beside the key Secrets; without the chart granting it, every mint
     * answered 503.
     */
    @Test
    void thePortalMintsAKeyAsItsOwnServiceAccountWithTheChartsDefaults(TestCluster cluster, KubernetesClient admin)
            throws Exception {
        cluster.ensureNamespace(KEYS);
        var models = cluster.newNamespace("rbac-mint");
        admin.resource(ModelFixtures.model(models, "mintable", "org/mintable", "access: {public: true}")).create();
        var chartConfig = ChartRenderer.installable().render().stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.ConfigMap map && map.getData() != null
                        && map.getData().containsKey("application.yaml"))
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("application.yaml"))
                .findFirst().orElseThrow();
        var work = java.nio.file.Files.createTempDirectory("portal-as-sa");
        var applicationYaml = java.nio.file.Files.writeString(work.resolve("application.yaml"), chartConfig);
        var token = admin.serviceAccounts().inNamespace(RELEASE_NAMESPACE).withName(FULLNAME + "-portal")
                .tokenRequest(new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                        .withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        var kubeconfig = java.nio.file.Files.writeString(work.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: test, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: portal, user: {token: "%s"}}]
                contexts: [{name: portal, context: {cluster: test, user: portal}}]
                current-context: portal
                """.formatted(cluster.controlPlane().clientConfig().getMasterUrl(), token));
        try (var issuer = dev.nebari.llm.testing.FakeOidcIssuer.start()) {
            var app = dev.nebari.llm.testing.TestApplication.start(
                    "--spring.config.additional-location=file:" + applicationYaml,
                    "--spring.profiles.active=portal",
                    "--cluster.kubeconfig=" + kubeconfig,
                    "--auth.oidc.issuerURL=" + issuer.issuer());
            try {
                var api = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/api/v1/keys";
                var bearer = issuer.token("rbac-user", c -> c.claim("preferred_username", "rbac-user"));
                var catalog = app.getBean(dev.nebari.llm.catalog.ModelCatalog.class);
                await("the model catalog").atMost(Duration.ofSeconds(20)).until(catalog::hasSynced);
                var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api))
                        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"model\": {\"namespace\": \"%s\", \"name\": \"mintable\"}}".formatted(models)))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                assertThat(admin.configMaps().inNamespace(KEYS).withName("llm-api-key-client-ids").get())
                        .as("the client-id allocator").isNotNull();
            } finally {
                app.close();
            }
        }
    }

    /** The chart's default (no auth.oidc.issuerURL): the operator reads the issuer from the NebariApp's Secret. */
    @Test
    void theOperatorReadsTheIssuerFromTheNebariAppSecretAsThePortalDoes(TestCluster cluster, KubernetesClient admin) {
        var secretName = FULLNAME + "-keys-oidc-client";
        admin.secrets().inNamespace(RELEASE_NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(secretName)
                .endMetadata().withStringData(Map.of("issuer-url", "https://keycloak.example.com/realms/nebari")).build())
                .serverSideApply();
        var chartOidc = new dev.nebari.llm.platform.PackSettings.Oidc("", "groups", "", secretName, java.util.List.of(), "");
        try (var operator = new KubernetesClientBuilder().withConfig(as(cluster, FULLNAME + "-operator")).build()) {
            var lookup = new dev.nebari.llm.identity.IssuerLookup(chartOidc, operator, RELEASE_NAMESPACE,
                    java.time.Clock.systemUTC());
            assertThat(lookup.current()).isEqualTo("https://keycloak.example.com/realms/nebari");
            assertForbidden(() -> operator.secrets().inNamespace(RELEASE_NAMESPACE).list());
        }
    }

    @Test
    void theOperatorCannotReadSecretsOutsideTheKeysNamespace(TestCluster cluster, KubernetesClient admin) {
        var elsewhere = cluster.newNamespace("rbac-op-secrets");
        try (var operator = new KubernetesClientBuilder().withConfig(as(cluster, FULLNAME + "-operator")).build()) {
            assertForbidden(() -> operator.secrets().inNamespace(elsewhere).list());
            assertThat(operator.secrets().inNamespace(KEYS).list()).as("the operator reads key Secrets").isNotNull();
            assertForbidden(() -> operator.secrets().inNamespace(KEYS).resource(new SecretBuilder().withNewMetadata()
                    .withName("forged").withNamespace(KEYS).endMetadata().build()).create());
        }
    }

    /**
     * With {@code manageSharedListeners} the chart adds a Role beside the Gateways (patch on those two by name,
     * Certificates); with exactly that, the operator keeps the listeners and the Certificate. Without the Role (the
     * value turned off again) it cannot take its listeners back and says how to remove them by hand.
     */
    @Test
    void theOperatorKeepsTheSharedListenersWithTheChartsListenerRole(TestCluster cluster, KubernetesClient admin) {
        var gateways = cluster.newNamespace("rbac-gateways");
        SharedListenersTest.createGateway(admin, gateways, "nebari-gateway", "jupyter.example.com");
        SharedListenersTest.createGateway(admin, gateways, "nebari-internal-gateway", "jupyter-internal.example.com");
        var listenerRbac = ChartRenderer.installable()
                .with("platform.gateway.manageSharedListeners", true)
                .with("platform.tls.clusterIssuer", "letsencrypt")
                .with("platform.gateway.external.namespace", gateways)
                .with("platform.gateway.internal.namespace", gateways)
                .render().stream()
                .filter(o -> o.getMetadata().getName().equals(FULLNAME + "-operator-listeners"))
                .toList();
        assertThat(listenerRbac).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Role", "RoleBinding");
        listenerRbac.forEach(o -> admin.resource(o).fieldManager("helm").forceConflicts().serverSideApply());
        var settings = ModelFixtures.sharedListeners(ModelFixtures.settings(), gateways, true, "letsencrypt", "");

        try (var operator = new KubernetesClientBuilder().withConfig(as(cluster, FULLNAME + "-operator")).build()) {
            var keep = new SharedListenerSync(operator, settings);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                keep.run();
                assertThat(keep.problems()).isEmpty();
            });
            assertThat(admin.genericKubernetesResources("cert-manager.io/v1", "Certificate").inNamespace(gateways)
                    .withName("nebari-llm").get()).isNotNull();

            listenerRbac.forEach(o -> admin.resource(o).delete());
            var release = new SharedListenerSync(operator,
                    ModelFixtures.sharedListeners(ModelFixtures.settings(), gateways, false, "letsencrypt", ""));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                release.run();
                assertThat(release.problems().get("Gateway " + gateways + "/nebari-gateway"))
                        .contains("llm-https").contains("kubectl edit gateway -n " + gateways + " nebari-gateway");
            });
        }
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(403));
    }
}
