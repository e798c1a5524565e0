package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.identity.OidcIssuer;
import dev.nebari.llm.identity.OidcLoginClient;
import dev.nebari.llm.localcluster.EmbeddedCluster;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/** The application starts with each profile set, reports healthy, and runs against a cluster or its own. */
@WithKubernetes(upstreamCrds = false)
class ApplicationStartupTest {

    /** The portal profile needs an issuer to start; its discovery document is served, so start-up is realistic. */
    private static final FakeOidcIssuer ISSUER = FakeOidcIssuer.start();

    @AfterAll
    static void stopIssuer() {
        ISSUER.close();
    }

    private static ConfigurableApplicationContext start(String... args) {
        var all = new ArrayList<>(List.of(args));
        if (all.stream().noneMatch(arg -> arg.startsWith("--auth.oidc.issuerURL="))) {
            all.add("--auth.oidc.issuerURL=" + ISSUER.issuer());
        }
        return TestApplication.start(all.toArray(String[]::new));
    }

    private static String get(ConfigurableApplicationContext context, String path) throws Exception {
        var port = context.getEnvironment().getProperty("local.management.port");
        var response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @ParameterizedTest(name = "profiles: {0}")
    @ValueSource(strings = {"", "operator", "portal", "operator,portal"})
    void startsHealthyWithEachProfileSet(String profiles, TestCluster cluster) throws Exception {
        var started = System.nanoTime();
        try (var context = start("--cluster.kubeconfig=" + cluster.kubeconfig(),
                profiles.isEmpty() ? "--spring.main.lazy-initialization=false" : "--spring.profiles.active=" + profiles)) {
            var seconds = (System.nanoTime() - started) / 1e9;

            assertThat(get(context, "/actuator/health/liveness")).startsWith("200").contains("UP");
            // With the portal, ready means its caches have listed too: an informer's first list is asynchronous.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(get(context, "/actuator/health/readiness")).startsWith("200").contains("UP"));
            var expected = profiles.isEmpty() ? new String[] {"operator", "portal"} : profiles.split(",");
            assertThat(context.getEnvironment().getActiveProfiles().length == 0
                    ? context.getEnvironment().getDefaultProfiles()
                    : context.getEnvironment().getActiveProfiles()).containsExactlyInAnyOrder(expected);
            System.out.printf("start-up with profiles [%s] took %.2f s%n", profiles, seconds);
        }
    }

    @Test
    void thePortalIsReadyOnlyOnceItsModelAndKeyCachesHoldTheirFirstList(TestCluster cluster) throws Exception {
        try (var portal = start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=portal");
                var operator = start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=operator")) {
            var readiness = portal.getBean(HealthEndpointGroups.class).get("readiness");
            assertThat(List.of("readinessState", "modelCatalog", "apiKeys", "oidcIssuer")).allMatch(readiness::isMember);
            assertThat(operator.getBean(HealthEndpointGroups.class).get("readiness").isMember("modelCatalog"))
                    .as("the operator has no catalog to wait for").isFalse();

            // Once the informers have listed, both contributors are UP, and so is the probe.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(portal.getBean("modelCatalogHealthIndicator", HealthIndicator.class).health().getStatus())
                        .isEqualTo(Status.UP);
                assertThat(portal.getBean("apiKeysHealthIndicator", HealthIndicator.class).health().getStatus())
                        .isEqualTo(Status.UP);
                assertThat(get(portal, "/actuator/health/readiness")).startsWith("200").contains("UP");
            });
        }
    }

    /**
     * The operator alone has nothing to serve on the web port: with the chart's ports (only the management port
     * given) its management endpoints are all it serves, from one web server on that port, not from an idle one plus
     * a second server and context for management (application.yaml). The portal keeps both.
     */
    @Test
    void theOperatorAloneServesItsManagementEndpointsFromOneServerOnTheManagementPort(TestCluster cluster) throws Exception {
        var management = dev.nebari.llm.testing.FreePort.any();
        // Not TestApplication.start: it gives both ports (0), and a second --server.port would not replace its own.
        try (var operator = new org.springframework.boot.builder.SpringApplicationBuilder(LlmServingApplication.class).run(
                "--spring.profiles.active=operator", "--cluster.kubeconfig=" + cluster.kubeconfig(),
                "--management.server.port=" + management, "--platform.baseDomain=nebari.example.com")) {
            assertThat(operator.getEnvironment().getProperty("local.server.port")).isEqualTo(String.valueOf(management));
            assertThat(operator.getEnvironment().getProperty("local.management.port")).isEqualTo(String.valueOf(management));
            assertThat(get(operator, "/actuator/health/readiness")).startsWith("200").contains("UP");
            assertThat(get(operator, "/actuator/prometheus")).startsWith("200").contains("jvm_threads_live_threads");
            assertThat(get(operator, "/api/v1/models")).as("nothing else is served").startsWith("403");
        }
        try (var portal = TestApplication.startPortal(cluster, ISSUER.issuer())) {
            assertThat(portal.getEnvironment().getProperty("local.server.port"))
                    .isNotEqualTo(portal.getEnvironment().getProperty("local.management.port"));
        }
    }

    @Test
    void theOperatorCampaignsForLeadershipOnceTheApplicationIsReady(TestCluster cluster) {
        try (var context = start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=operator",
                "--leader-election.enabled=false")) {
            // SpringApplication.run returns after the ready event, whose listener started the campaign.
            assertThat(context.getBean(dev.nebari.llm.platform.LeaderGate.class).isLeader()).isTrue();
        }
    }

    @Test
    void theOperatorProfileServesTheWebhookWithACertificateFromItsSecretWhenEnabled(TestCluster cluster) {
        var namespace = cluster.newNamespace("startup-webhook");
        try (var context = start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=operator",
                "--webhook.enabled=true", "--webhook.port=0", "--webhook.namespace=" + namespace,
                "--webhook.certificateSecretName=startup-webhook-cert")) {
            var server = context.getBean(dev.nebari.llm.admission.AdmissionWebhookServer.class);
            assertThat(server.isRunning()).isTrue();
            assertThat(server.port()).isPositive();
            assertThat(cluster.client().secrets().inNamespace(namespace).withName("startup-webhook-cert").get().getData())
                    .containsKeys("ca.crt", "tls.crt", "tls.key");
        }
    }

    @Test
    void theWebhookIsOffUnlessEnabled(TestCluster cluster) {
        try (var context = start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=operator")) {
            assertThat(context.getBeanProvider(dev.nebari.llm.admission.AdmissionWebhookServer.class).getIfAvailable()).isNull();
        }
    }

    @Test
    void usesTheConfiguredClusterAndDoesNotStartItsOwn(TestCluster cluster) {
        try (var context = start("--cluster.kubeconfig=" + cluster.kubeconfig())) {
            assertThat(context.getBeanProvider(EmbeddedCluster.class).getIfAvailable()).isNull();
            var client = context.getBean(KubernetesClient.class);
            assertThat(client.getMasterUrl().toString()).startsWith(cluster.controlPlane().url());
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName(LLMModel.CRD_NAME).get())
                    .isNotNull();
        }
    }

    @Test
    void withoutAClusterStartsAnEmbeddedOneThatKubectlCanUseAndRemovesItOnStop() throws Exception {
        java.nio.file.Path workDir;
        try (var context = start("--cluster.embedded=always")) {
            var embedded = context.getBean(EmbeddedCluster.class);
            workDir = embedded.controlPlane().workDir();
            assertThat(embedded.kubeconfig()).exists();

            var kubectl = embedded.controlPlane().binaries().kubectl();
            var process = new ProcessBuilder(kubectl.toString(), "--kubeconfig", embedded.kubeconfig().toString(),
                    "get", "llm", "-A").redirectErrorStream(true).start();
            var output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(output).isZero();
            assertThat(output).contains("No resources found");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(get(context, "/actuator/health/readiness")).startsWith("200"));
        }
        assertThat(Files.exists(workDir)).as("embedded control plane directory after stop").isFalse();
    }

    @Test
    void thePortalReadsIssuerAndClientFromTheNebariAppSecretWhenNoneIsConfigured(TestCluster cluster) {
        var secretName = "portal-oidc-" + Long.toString(System.nanoTime(), 36);
        // What nebari-operator provisions for the portal's NebariApp.
        cluster.client().secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(secretName).endMetadata()
                .addToStringData("issuer-url", ISSUER.issuer())
                .addToStringData("client-id", "llm-serving-nebari-llm-serving-keys")
                .addToStringData("client-secret", "provisioned-client-secret").build()).create();
        try (var context = start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=portal",
                "--auth.oidc.issuerURL=", "--auth.oidc.nebariAppSecretName=" + secretName, "--portal.login.clientId=")) {
            assertThat(context.getBean(OidcIssuer.class).url()).isEqualTo(ISSUER.issuer());
            assertThat(context.getBean(OidcIssuer.class).source()).contains(secretName);
            var client = context.getBean(OidcLoginClient.class);
            assertThat(client.clientId()).isEqualTo("llm-serving-nebari-llm-serving-keys");
            assertThat(client.clientSecret()).isEqualTo("provisioned-client-secret");
            assertThat(client.source()).contains(secretName);
            assertThat(client.toString()).doesNotContain("provisioned-client-secret");
        } finally {
            cluster.client().secrets().inNamespace("default").withName(secretName).delete();
        }
    }

    @Test
    void thePortalDoesNotStartWithoutAnIssuer(TestCluster cluster) {
        assertThatThrownBy(() -> start("--cluster.kubeconfig=" + cluster.kubeconfig(), "--spring.profiles.active=portal",
                "--auth.oidc.issuerURL=", "--auth.oidc.nebariAppSecretName=no-such-secret").close())
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageContaining("auth.oidc.issuerURL").hasMessageContaining("no-such-secret");
    }
}
