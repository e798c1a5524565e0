package dev.nebari.llm.chart;

import static dev.nebari.llm.chart.RenderedChart.FULLNAME;
import static dev.nebari.llm.chart.RenderedChart.app;
import static dev.nebari.llm.chart.RenderedChart.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import dev.nebari.llm.testing.ExportedMetrics;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartRenderingTest {

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithDefaultValues {

        RenderedChart chart;

        @BeforeAll
        void render() {
            chart = ChartRenderer.installable().rendered();
        }

        @Test
        void runsOperatorAndPortalAsSeparateDeploymentsWithOneProfileEach() {
            assertThat(chart.all(Deployment.class)).hasSize(2);
            assertThat(env(chart.deployment("operator"), "SPRING_PROFILES_ACTIVE")).isEqualTo("operator");
            assertThat(env(chart.deployment("portal"), "SPRING_PROFILES_ACTIVE")).isEqualTo("portal");
        }

        @Test
        void eachDeploymentHasItsOwnServiceAccount() {
            var operatorSa = chart.deployment("operator").getSpec().getTemplate().getSpec().getServiceAccountName();
            var portalSa = chart.deployment("portal").getSpec().getTemplate().getSpec().getServiceAccountName();
            assertThat(operatorSa).isEqualTo(FULLNAME + "-operator").isNotEqualTo(portalSa);
            assertThat(chart.all(ServiceAccount.class).map(sa -> sa.getMetadata().getName()))
                    .containsExactlyInAnyOrder(operatorSa, portalSa);
        }

        @Test
        void twoReplicasEachWithResourceRequests() {
            for (var component : new String[] {"operator", "portal"}) {
                var deployment = chart.deployment(component);
                assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
                assertThat(app(deployment).getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(app(deployment).getResources().getLimits()).containsKey("memory");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"operator", "portal"})
        void runsNonRootOnAReadOnlyRootWithAWritableTmp(String component) {
            var pod = chart.deployment(component).getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            var container = app(chart.deployment(component)).getSecurityContext();
            assertThat(container.getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getRunAsNonRoot()).isTrue();
            assertThat(container.getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(app(chart.deployment(component)).getVolumeMounts())
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo("tmp");
                assertThat(v.getEmptyDir()).isNotNull();
            });
        }

        @ParameterizedTest
        @ValueSource(strings = {"operator", "portal"})
        void probesHitTheManagementPort(String component) {
            var container = app(chart.deployment(component));
            assertThat(container.getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("management");
                assertThat(p.getContainerPort()).isEqualTo(8081);
            });
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
            assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            for (var probe : new io.fabric8.kubernetes.api.model.Probe[] {
                    container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe()}) {
                assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("management"));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"operator", "portal"})
        void readsTheRenderedConfigurationAsAnAdditionalLocation(String component) {
            var deployment = chart.deployment(component);
            assertThat(app(deployment).getArgs())
                    .contains("--spring.config.additional-location=file:/etc/nebari-llm-serving/application.yaml");
            assertThat(app(deployment).getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("config");
                assertThat(m.getMountPath()).isEqualTo("/etc/nebari-llm-serving");
            });
            assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v ->
                    assertThat(v.getConfigMap().getName()).isEqualTo(FULLNAME + "-config"));
            assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/config");
        }

        @ParameterizedTest
        @ValueSource(strings = {"operator", "portal"})
        void prefersToSpreadReplicasOverNodesAndSetsNoOtherSchedulingConstraint(String component) {
            var deployment = chart.deployment(component);
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getNodeSelector()).isNullOrEmpty();
            assertThat(pod.getTolerations()).isNullOrEmpty();
            assertThat(pod.getAffinity().getNodeAffinity()).isNull();
            assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                    .singleElement().satisfies(term -> {
                        assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                        assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
                    });
        }

        @Test
        void onlyTheOperatorServesTheWebhookPort() {
            assertThat(app(chart.deployment("operator")).getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(9443));
            assertThat(app(chart.deployment("portal")).getPorts()).noneSatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(9443));
        }

        @Test
        void theWebhookServiceMapsHttpsToTheOperatorsWebhookPortAndSelectsOnlyOperatorPods() {
            var service = chart.get(Service.class, FULLNAME + "-webhook");
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getPort()).isEqualTo(443);
                assertThat(p.getTargetPort()).isEqualTo(new IntOrString("webhook"));
            });
            assertSelects(service, chart.deployment("operator"));
            assertDoesNotSelect(service, chart.deployment("portal"));
        }

        @Test
        void thePortalServiceSelectsOnlyPortalPods() {
            var service = chart.get(Service.class, FULLNAME + "-portal");
            assertSelects(service, chart.deployment("portal"));
            assertDoesNotSelect(service, chart.deployment("operator"));
        }

        @Test
        void theWebhookValidatesLlmModelAndPassthroughModelWritesFailingClosedWithTheCaBundleLeftToTheOperator() {
            var configuration = chart.all(ValidatingWebhookConfiguration.class).findFirst().orElseThrow();
            var webhook = configuration.getWebhooks().getFirst();
            assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
            assertThat(webhook.getSideEffects()).isEqualTo("None");
            assertThat(webhook.getClientConfig().getCaBundle()).isNull();
            assertThat(webhook.getClientConfig().getService().getName()).isEqualTo(FULLNAME + "-webhook");
            assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo(ChartRenderer.NAMESPACE);
            assertThat(webhook.getClientConfig().getService().getPort()).isEqualTo(443);
            assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
                assertThat(rule.getApiGroups()).containsExactly("llm.nebari.dev");
                assertThat(rule.getResources()).containsExactly("llmmodels", "passthroughmodels");
                assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
            });
            assertThat(webhook.getMatchConditions()).as("as the loopback registration has them")
                    .isEqualTo(dev.nebari.llm.admission.WebhookMatch.conditions());
            assertThat(chart.applicationConfig("webhook.configurationName")).contains(configuration.getMetadata().getName());
            assertThat(chart.applicationConfig("webhook.path")).contains(webhook.getClientConfig().getService().getPath());
        }

        @Test
        void theKeysNamespaceOutlivesTheRelease() {
            var namespace = chart.get(Namespace.class, "llm-api-keys");
            assertThat(namespace.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        }

        @Test
        void aDisruptionBudgetPerDeployment() {
            assertThat(chart.all(PodDisruptionBudget.class).map(p -> p.getSpec().getSelector().getMatchLabels()))
                    .containsExactlyInAnyOrder(
                            chart.deployment("operator").getSpec().getSelector().getMatchLabels(),
                            chart.deployment("portal").getSpec().getSelector().getMatchLabels());
        }

        @Test
        void theNebariAppPublishesThePortalAndLeavesLoginToIt() {
            var app = chart.generic("NebariApp", FULLNAME + "-keys");
            assertThat(app.getApiVersion()).isEqualTo("reconcilers.nebari.dev/v1");
            assertThat(app.<String>get("spec", "hostname")).isEqualTo("llm-keys." + ChartRenderer.BASE_DOMAIN);
            assertThat(app.<String>get("spec", "service", "name")).isEqualTo(FULLNAME + "-portal");
            assertThat(app.<Integer>get("spec", "service", "port")).isEqualTo(8080);
            assertThat(app.<Boolean>get("spec", "auth", "enabled")).isTrue();
            assertThat(app.<Boolean>get("spec", "auth", "enforceAtGateway")).isFalse();
            assertThat(app.<String>get("spec", "serviceAccountName")).isEqualTo(FULLNAME + "-portal");
        }

        @Test
        void everyPackSettingReachesTheApplicationUnderItsOwnName() {
            var config = chart.applicationConfig();
            var values = ChartFiles.values();
            for (var root : new String[] {"defaults", "keys", "watchNamespaces", "apiKeysNamespace"}) {
                assertThat(config.get(root)).as(root).isEqualTo(values.get(root));
            }
            assertThat(chart.applicationConfig("platform.baseDomain")).contains(ChartRenderer.BASE_DOMAIN);
            assertThat(chart.applicationConfig("keyManager.enabled")).contains(true);
            assertThat(chart.applicationConfig("cluster.embedded")).contains("never");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Combined {

        RenderedChart chart;

        @BeforeAll
        void render() {
            chart = ChartRenderer.installable().with("combined", true).rendered();
        }

        @Test
        void runsOneDeploymentWithBothProfiles() {
            assertThat(chart.all(Deployment.class)).singleElement().satisfies(d -> {
                assertThat(d.getMetadata().getName()).isEqualTo(FULLNAME + "-combined");
                assertThat(env(d, "SPRING_PROFILES_ACTIVE")).isEqualTo("operator,portal");
            });
        }

        @Test
        void runsAsTheOperatorServiceAccountAlone() {
            assertThat(chart.all(ServiceAccount.class).map(sa -> sa.getMetadata().getName())).containsExactly(FULLNAME + "-operator");
            assertThat(chart.deployment("combined").getSpec().getTemplate().getSpec().getServiceAccountName())
                    .isEqualTo(FULLNAME + "-operator");
        }

        @Test
        void bothServicesSelectTheCombinedPods() {
            assertSelects(chart.get(Service.class, FULLNAME + "-webhook"), chart.deployment("combined"));
            assertSelects(chart.get(Service.class, FULLNAME + "-portal"), chart.deployment("combined"));
        }

        @Test
        void schedulesWithTheOperatorsValues() {
            var pod = ChartRenderer.installable().with("combined", true)
                    .with("operator.nodeSelector", Map.of("pool", "control"))
                    .with("portal.nodeSelector", Map.of("pool", "web"))
                    .rendered().deployment("combined").getSpec().getTemplate().getSpec();
            assertThat(pod.getNodeSelector()).containsExactly(Map.entry("pool", "control"));
        }

        @Test
        void oneDisruptionBudget() {
            assertThat(chart.all(PodDisruptionBudget.class)).singleElement()
                    .satisfies(p -> assertThat(p.getMetadata().getName()).isEqualTo(FULLNAME + "-combined"));
        }
    }

    @Nested
    class Monitoring {

        private static final Path ROOT = ChartRenderer.CHART_DIR.getParent().getParent();

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void eachDeploymentHasAMetricsServiceOnItsManagementPort(boolean combined) {
            var chart = ChartRenderer.installable().with("combined", combined).rendered();

            for (var deployment : chart.all(Deployment.class).toList()) {
                var component = deployment.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/component");
                var service = chart.get(Service.class, FULLNAME + "-" + component + "-metrics");
                assertSelects(service, deployment);
                assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getPort()).isEqualTo(8081);
                    assertThat(port.getTargetPort()).isEqualTo(new IntOrString("management"));
                });
            }
        }

        /** Each alert reads metrics the code exports, only of this release's pods, and is one the guide lists. */
        @Test
        void theAlertsReadExportedMetricsOfTheReleaseAndAreThoseTheOperationsGuideLists() throws IOException {
            var alerts = PrometheusRuleAlerts.of(ChartRenderer.installable().with("metrics.prometheusRule.enabled", true).rendered());
            var exported = ExportedMetrics.series(ROOT.resolve("src/main/java"));
            var guide = Files.readString(ROOT.resolve("docs/operations.md"));

            assertThat(alerts).extracting(PrometheusRuleAlerts.Alert::name).containsExactly("NebariLLMModelInError",
                    "NebariLLMReconcileErrors", "NebariLLMReconcileQueueStuck", "NebariLLMUnreadableApiKeys",
                    "NebariLLMNoLeader", "NebariLLMNoLeader", "NebariLLMWebhookErrors", "NebariLLMWebhookCertificateExpiresSoon");
            assertThat(alerts).allSatisfy(alert -> {
                assertThat(ExportedMetrics.usedBy(alert.expr())).as(alert.expr()).isNotEmpty().allSatisfy(metric ->
                        assertThat(exported).as("exported metrics").contains(metric));
                assertThat(alert.expr()).contains("namespace=\"" + ChartRenderer.NAMESPACE + "\"");
                assertThat(alert.expr().chars().filter(c -> c == '(').count()).as("balanced: %s", alert.expr())
                        .isEqualTo(alert.expr().chars().filter(c -> c == ')').count());
                assertThat(alert.labels()).containsKey("severity");
                assertThat(guide).as("docs/operations.md").contains("`" + alert.name() + "`");
            });
            assertThat(alerts).filteredOn(alert -> alert.name().equals("NebariLLMNoLeader"))
                    .extracting(alert -> alert.labels().get("lease"))
                    .containsExactly(FULLNAME + "-operator", FULLNAME + "-portal");
        }

        @Test
        void withoutTheWebhookThereAreNoWebhookAlertsAndCombinedHasOneLease() {
            var alerts = PrometheusRuleAlerts.of(ChartRenderer.installable().with("metrics.prometheusRule.enabled", true)
                    .with("webhook.enabled", false).with("combined", true).rendered());

            assertThat(alerts).extracting(PrometheusRuleAlerts.Alert::name).noneMatch(name -> name.contains("Webhook"));
            assertThat(alerts).filteredOn(alert -> alert.name().equals("NebariLLMNoLeader"))
                    .extracting(alert -> alert.labels().get("lease")).containsExactly(FULLNAME + "-operator");
        }

        @Test
        void theDashboardConfigMapCarriesTheChartsDashboardFileUnchanged() throws IOException {
            var chart = ChartRenderer.installable().with("grafana.dashboard.enabled", true).rendered();

            var data = chart.get(io.fabric8.kubernetes.api.model.ConfigMap.class, FULLNAME + "-dashboard").getData();
            assertThat(data).containsOnlyKeys("nebari-llm-serving.json");
            assertThat(data.get("nebari-llm-serving.json"))
                    .isEqualTo(Files.readString(ChartRenderer.CHART_DIR.resolve("dashboards/nebari-llm-serving.json")).strip());
        }

        /** `helm test`: one Pod asks every Deployment's readiness through its metrics Service; the policies let it. */
        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void theHelmTestPodAsksEveryDeploymentsReadinessAndTheNetworkPoliciesLetItIn(boolean combined) {
            var chart = ChartRenderer.installable().with("combined", combined).rendered();

            var pod = chart.get(io.fabric8.kubernetes.api.model.Pod.class, FULLNAME + "-test-readiness");
            assertThat(pod.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "test");
            assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
            var container = pod.getSpec().getContainers().getFirst();
            assertThat(container.getCommand()).contains("sh", "-c");
            assertThat(container.getCommand().get(2)).contains(":8081/actuator/health/readiness", "wget", "exit $failed");
            var services = chart.all(Deployment.class).map(d -> FULLNAME + "-"
                    + d.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/component") + "-metrics").toList();
            assertThat(container.getCommand().subList(4, container.getCommand().size())).containsExactlyInAnyOrderElementsOf(services);
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();

            for (var policy : chart.all(NetworkPolicy.class).toList()) {
                var management = policy.getSpec().getIngress().stream()
                        .filter(rule -> rule.getPorts().stream().anyMatch(p -> new IntOrString("management").equals(p.getPort())))
                        .findFirst().orElseThrow();
                assertThat(management.getFrom()).anySatisfy(peer -> {
                    assertThat(peer.getNamespaceSelector()).isNull();
                    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(peer.getPodSelector().getMatchLabels());
                });
            }
            assertThat(chart.all(Deployment.class)).allSatisfy(d -> assertThat(pod.getMetadata().getLabels())
                    .as("the test Pod is no pod of a Deployment").doesNotContainEntry("app.kubernetes.io/component",
                            d.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/component")));
        }
    }

    /**
     * As a dependency of an umbrella chart, Helm hands the chart the parent's {@code global} values along with its
     * own section, and checks both against values.schema.json: the chart must accept them.
     */
    @Test
    void rendersAsTheSubchartOfAnUmbrellaChartThatHasGlobalValues(@TempDir Path umbrella) throws IOException {
        Files.writeString(umbrella.resolve("Chart.yaml"), """
                apiVersion: v2
                name: platform
                version: 1.0.0
                """);
        Files.writeString(umbrella.resolve("values.yaml"), """
                global:
                  imageRegistry: images.example.com
                  storageClass: fast-ssd
                nebari-llm-serving:
                  platform:
                    baseDomain: nebari.example.com
                """);
        copyTree(ChartRenderer.CHART_DIR, umbrella.resolve("charts/nebari-llm-serving"));

        var rendered = new Helm(umbrella).template().withName(ChartRenderer.RELEASE).withNamespace(ChartRenderer.NAMESPACE).call();

        var chart = new RenderedChart(ChartRenderer.parse(rendered));
        assertThat(chart.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("pack-nebari-llm-serving-operator", "pack-nebari-llm-serving-portal");
        assertThat(chart.applicationConfig("platform.baseDomain")).contains("nebari.example.com");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (var file : files.toList()) {
                var target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void subdomainRoutingReachesTheApplication() {
        var chart = ChartRenderer.installable().with("platform.routing.mode", "subdomain").rendered();

        assertThat(chart.applicationConfig("platform.routing.mode")).contains("subdomain");
        assertThat(chart.all(Deployment.class)).hasSize(2);
    }

    @Test
    void withoutTheKeyManagerThereIsNoNebariAppAndNoOidcSecretToRead() {
        var chart = ChartRenderer.installable().with("keyManager.enabled", false).rendered();

        assertThat(chart.findGeneric("NebariApp", FULLNAME + "-keys")).isEmpty();
        assertThat(chart.applicationConfig("keyManager.enabled")).contains(false);
        assertThat(chart.applicationConfig("auth.oidc.nebariAppSecretName")).contains("");
        assertThat(chart.grantsOf(FULLNAME + "-portal"))
                .noneMatch(g -> g.namespace().equals(ChartRenderer.NAMESPACE) && g.touches("", "secrets"));
    }

    @Test
    void theNebariAppProvisionsThePortalsClientUnlessTheAdminBringsOne() {
        var provisioned = ChartRenderer.installable().rendered();
        assertThat(provisioned.generic("NebariApp", FULLNAME + "-keys").<Boolean>get("spec", "auth", "provisionClient"))
                .isTrue();
        assertThat(app(provisioned.deployment("portal")).getEnv())
                .noneMatch(e -> e.getName().startsWith("PORTAL_LOGIN"));

        var own = ChartRenderer.installable()
                .with("auth.oidc.issuerURL", "https://id.example.com/realms/main")
                .with("keyManager.login.clientId", "llm-portal")
                .with("keyManager.login.clientSecretName", "llm-portal-oidc").rendered();
        assertThat(own.generic("NebariApp", FULLNAME + "-keys").<Boolean>get("spec", "auth", "provisionClient")).isFalse();
        assertThat(own.applicationConfig("portal.login.clientId")).contains("llm-portal");
        assertThat(own.applicationConfig().toString()).doesNotContain("clientSecret");
        var secret = app(own.deployment("portal")).getEnv().stream()
                .filter(e -> e.getName().equals("PORTAL_LOGIN_CLIENTSECRET")).findFirst().orElseThrow();
        assertThat(secret.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-portal-oidc");
        assertThat(secret.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("client-secret");
        assertThat(app(own.deployment("operator")).getEnv())
                .noneMatch(e -> e.getName().startsWith("PORTAL_LOGIN"));

        assertThatThrownBy(() -> ChartRenderer.installable().with("keyManager.login.clientId", "llm-portal").renderText())
                .hasMessageContaining("keyManager.login.clientId needs auth.oidc.issuerURL");
    }

    /** No keys to mint, no pages to serve: the operator runs alone, combined or not. */
    @Test
    void withoutTheKeyManagerThereIsNoPortal() {
        var chart = ChartRenderer.installable().with("keyManager.enabled", false).rendered();
        assertThat(chart.all(Deployment.class)).extracting(d -> d.getMetadata().getName()).containsExactly(FULLNAME + "-operator");
        assertThat(chart.all(Service.class)).extracting(s -> s.getMetadata().getName()).noneMatch(name -> name.contains("portal"));
        assertThat(chart.all(io.fabric8.kubernetes.api.model.ServiceAccount.class)).extracting(sa -> sa.getMetadata().getName())
                .containsExactly(FULLNAME + "-operator");
        assertThat(chart.all(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class))
                .extracting(pdb -> pdb.getMetadata().getName()).containsExactly(FULLNAME + "-operator");
        assertThat(chart.grantsOf(FULLNAME + "-portal")).isEmpty();

        var combined = ChartRenderer.installable().with("keyManager.enabled", false).with("combined", true).rendered();
        var container = combined.all(Deployment.class).findFirst().orElseThrow().getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("SPRING_PROFILES_ACTIVE"))
                .extracting(io.fabric8.kubernetes.api.model.EnvVar::getValue).containsExactly("operator");
    }

    /** A container declares the ports its process listens on: the operator alone has no web port (application.yaml). */
    @Test
    void eachContainerDeclaresThePortsItsProfilesServe() {
        var chart = ChartRenderer.installable().rendered();
        assertThat(containerPorts(chart.deployment("operator"))).containsExactly("management:8081", "webhook:9443");
        assertThat(containerPorts(chart.deployment("portal"))).containsExactly("http:8080", "management:8081");
        var combined = ChartRenderer.installable().with("combined", true).rendered();
        assertThat(containerPorts(combined.deployment("combined")))
                .containsExactly("http:8080", "management:8081", "webhook:9443");
    }

    private static List<String> containerPorts(io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getPorts().stream()
                .map(port -> port.getName() + ":" + port.getContainerPort()).toList();
    }

    /** Each port of the pack's pods is open only to those who use it: the webhook, the portal, the metrics. */
    @Test
    void networkPoliciesOpenEachPortOfThePacksPodsOnlyToItsUsers() {
        var chart = ChartRenderer.installable().rendered();
        var policies = chart.all(NetworkPolicy.class).toList();
        assertThat(policies).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder(FULLNAME + "-operator", FULLNAME + "-portal");
        var operator = chart.get(NetworkPolicy.class, FULLNAME + "-operator");
        var portal = chart.get(NetworkPolicy.class, FULLNAME + "-portal");
        var operatorPods = chart.deployment("operator").getSpec().getTemplate().getMetadata().getLabels();
        var portalPods = chart.deployment("portal").getSpec().getTemplate().getMetadata().getLabels();
        assertThat(operatorPods).containsAllEntriesOf(operator.getSpec().getPodSelector().getMatchLabels());
        assertThat(portalPods).containsAllEntriesOf(portal.getSpec().getPodSelector().getMatchLabels());
        assertThat(operator.getSpec().getPodSelector().getMatchLabels()).isNotEqualTo(portal.getSpec().getPodSelector().getMatchLabels());

        assertThat(openPorts(operator)).containsOnlyKeys("management", "webhook");
        assertThat(openPorts(operator).get("webhook")).as("the API server is not a pod: any source").isEqualTo(List.of("anyone"));
        assertThat(openPorts(operator).get("management")).containsExactly("namespace monitoring", "pods test");
        assertThat(openPorts(portal).get("management")).containsExactly("namespace monitoring", "pods test");
        assertThat(openPorts(portal)).containsOnlyKeys("management", "http");
        assertThat(openPorts(portal).get("http")).containsExactly("namespace envoy-gateway-system");

        var restricted = ChartRenderer.installable()
                .with("networkPolicy.webhookFrom", List.of(Map.of("ipBlock", Map.of("cidr", "10.0.0.0/28"))))
                .with("networkPolicy.portalFrom", List.of(Map.of("namespaceSelector",
                        Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "jupyterhub")))))
                .with("platform.gateway.internal.namespace", "internal-gateways").rendered();
        assertThat(openPorts(restricted.get(NetworkPolicy.class, FULLNAME + "-operator")).get("webhook"))
                .containsExactly("ip 10.0.0.0/28");
        assertThat(openPorts(restricted.get(NetworkPolicy.class, FULLNAME + "-portal")).get("http"))
                .containsExactly("namespace envoy-gateway-system", "namespace internal-gateways", "namespace jupyterhub");

        var combined = ChartRenderer.installable().with("combined", true).rendered();
        assertThat(combined.all(NetworkPolicy.class)).hasSize(1);
        assertThat(openPorts(combined.all(NetworkPolicy.class).findFirst().orElseThrow()))
                .containsOnlyKeys("management", "webhook", "http");

        assertThat(ChartRenderer.installable().with("networkPolicy.enabled", false).rendered().all(NetworkPolicy.class)).isEmpty();
    }

    /** Port name to the sources allowed to reach it ("anyone" when a rule names none). */
    static Map<String, List<String>> openPorts(NetworkPolicy policy) {
        var open = new java.util.LinkedHashMap<String, List<String>>();
        for (var rule : policy.getSpec().getIngress()) {
            var sources = rule.getFrom() == null || rule.getFrom().isEmpty() ? List.of("anyone")
                    : rule.getFrom().stream().map(peer -> peer.getIpBlock() != null ? "ip " + peer.getIpBlock().getCidr()
                            : peer.getNamespaceSelector() == null ? "pods " + peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component")
                            : "namespace " + peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")).toList();
            rule.getPorts().forEach(port -> open.merge(port.getPort().getStrVal(), sources,
                    (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        }
        return open;
    }

    static void assertSelects(Service service, Deployment deployment) {
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .as("%s selects %s", service.getMetadata().getName(), deployment.getMetadata().getName())
                .containsAllEntriesOf(service.getSpec().getSelector());
    }

    static void assertDoesNotSelect(Service service, Deployment deployment) {
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(service.getSpec().getSelector().entrySet())
                .as("%s must not select %s", service.getMetadata().getName(), deployment.getMetadata().getName())
                .anyMatch(e -> !e.getValue().equals(labels.get(e.getKey())));
    }
}
