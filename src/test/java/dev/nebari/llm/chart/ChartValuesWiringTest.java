package dev.nebari.llm.chart;

import static dev.nebari.llm.chart.RenderedChart.FULLNAME;
import static dev.nebari.llm.chart.RenderedChart.app;
import static dev.nebari.llm.chart.RenderedChart.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No dead values: every leaf of values.yaml has a row here that changes it and says where the change must land.
 * A value added to values.yaml without a row fails {@link #everyValueHasARow()}.
 */
class ChartValuesWiringTest {

    private static final String ISSUER = "https://id.example.com/realms/nebari";
    /** A PEM bundle as admins paste it: two lines of base64 are enough for the chart, which does not parse it. */
    private static final String CA_BUNDLE = "-----BEGIN CERTIFICATE-----\nMIIBqTCCAU+gAwIBAgIQVKVM0G+tYZHD5c+8UqII+D\n-----END CERTIFICATE-----\n";
    private static final Map<String, Object> CONTROL_TOLERATION = Map.of(
            "key", "dedicated", "operator", "Equal", "value", "control", "effect", "NoSchedule");
    private static final Map<String, Object> ZONE_AFFINITY = Map.of("nodeAffinity", Map.of(
            "requiredDuringSchedulingIgnoredDuringExecution", Map.of("nodeSelectorTerms", List.of(Map.of(
                    "matchExpressions", List.of(Map.of(
                            "key", "topology.kubernetes.io/zone", "operator", "In", "values", List.of("zone-a"))))))));

    static List<Wiring> table() {
        return List.of(
                accepted("global", Map.of("imageRegistry", "images.example.com")),
                row("nameOverride", "llm-pack", (chart, v) -> assertThat(chart.get(Deployment.class, "pack-llm-pack-operator")
                        .getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "llm-pack")),
                row("fullnameOverride", "models", (chart, v) -> assertThat(chart.find(Deployment.class, "models-operator")).isPresent()),
                row("combined", true, (chart, v) -> assertThat(chart.all(Deployment.class).map(d -> d.getMetadata().getName()))
                        .containsExactly(FULLNAME + "-combined")),

                row("image.repository", "images.example.com/team/llm-serving", onBothWorkloads(d -> assertThat(app(d).getImage())
                        .startsWith("images.example.com/team/llm-serving:"))),
                row("image.tag", "1.2.3", onBothWorkloads(d -> assertThat(app(d).getImage()).endsWith(":1.2.3"))),
                row("image.pullPolicy", "Always", onBothWorkloads(d -> assertThat(app(d).getImagePullPolicy()).isEqualTo("Always"))),
                row("imagePullSecrets", List.of("registry-credentials"), onBothWorkloads(d -> assertThat(pod(d).getImagePullSecrets())
                        .extracting(LocalObjectReference::getName).containsExactly("registry-credentials")).and((chart, v) ->
                        assertThat(testPod(chart).getSpec().getImagePullSecrets()).extracting(LocalObjectReference::getName)
                                .containsExactly("registry-credentials"))),
                row("podAnnotations", Map.of("example.com/team", "ml-platform"), onBothWorkloads(d -> assertThat(
                        d.getSpec().getTemplate().getMetadata().getAnnotations())
                        .containsEntry("example.com/team", "ml-platform").containsKey("checksum/config"))),
                row("podLabels", Map.of("example.com/cost-centre", "ml", "app.kubernetes.io/component", "overridden"),
                        onBothWorkloads(d -> assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                                .containsEntry("example.com/cost-centre", "ml")
                                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels()))),
                row("priorityClassName", "llm-control-plane", onBothWorkloads(d -> assertThat(pod(d).getPriorityClassName())
                        .isEqualTo("llm-control-plane"))),

                row("serviceAccount.operator.name", "llm-operator", runsAs("operator", "llm-operator")),
                row("serviceAccount.portal.name", "llm-portal", runsAs("portal", "llm-portal")),

                row("operator.replicas", 3, (chart, v) -> assertThat(chart.deployment("operator").getSpec().getReplicas()).isEqualTo(3)),
                row("operator.resources.requests.cpu", "250m", resource("operator", r -> r.getRequests().get("cpu"))),
                row("operator.resources.requests.memory", "1Gi", resource("operator", r -> r.getRequests().get("memory"))),
                row("operator.resources.limits.memory", "2Gi", resource("operator", r -> r.getLimits().get("memory"))),
                row("operator.nodeSelector", Map.of("node-role.example.com/control", "true"), podSpec("operator",
                        pod -> assertThat(pod.getNodeSelector()).containsExactly(Map.entry("node-role.example.com/control", "true")))),
                row("operator.tolerations", List.of(CONTROL_TOLERATION), podSpec("operator",
                        pod -> assertThat(pod.getTolerations()).containsExactly(new TolerationBuilder().withKey("dedicated")
                                .withOperator("Equal").withValue("control").withEffect("NoSchedule").build()))),
                row("operator.affinity", ZONE_AFFINITY, podSpec("operator", ChartValuesWiringTest::hasOnlyTheZoneAffinity)),
                row("operator.extraEnv", List.of(Map.of("name", "TZ", "value", "Europe/Berlin")), (chart, v) -> {
                    assertThat(env(chart.deployment("operator"), "TZ")).isEqualTo("Europe/Berlin");
                    assertThat(app(chart.deployment("portal")).getEnv()).extracting(EnvVar::getName).doesNotContain("TZ");
                }),
                row("operator.jvmOptions", "-XX:MaxRAMPercentage=65", (chart, v) -> {
                    assertThat(env(chart.deployment("operator"), "_JAVA_OPTIONS")).isEqualTo("-XX:MaxRAMPercentage=65");
                    assertThat(app(chart.deployment("portal")).getEnv()).extracting(EnvVar::getName).doesNotContain("_JAVA_OPTIONS");
                }),
                row("operator.confineWrites", false, (chart, v) -> assertThat(chart.names())
                        .noneMatch(name -> name.contains("ValidatingAdmissionPolicy"))),
                row("portal.replicas", 4, (chart, v) -> assertThat(chart.deployment("portal").getSpec().getReplicas()).isEqualTo(4)),
                row("portal.resources.requests.cpu", "300m", resource("portal", r -> r.getRequests().get("cpu"))),
                row("portal.resources.requests.memory", "640Mi", resource("portal", r -> r.getRequests().get("memory"))),
                row("portal.resources.limits.memory", "1Gi", resource("portal", r -> r.getLimits().get("memory"))),

                row("portal.nodeSelector", Map.of("node-role.example.com/web", "true"), podSpec("portal",
                        pod -> assertThat(pod.getNodeSelector()).containsExactly(Map.entry("node-role.example.com/web", "true")))),
                row("portal.tolerations", List.of(CONTROL_TOLERATION), podSpec("portal",
                        pod -> assertThat(pod.getTolerations()).extracting(Toleration::getKey).containsExactly("dedicated"))),
                row("portal.affinity", ZONE_AFFINITY, podSpec("portal", ChartValuesWiringTest::hasOnlyTheZoneAffinity)),
                row("portal.extraEnv", List.of(Map.of("name", "TZ", "value", "Europe/Berlin")), (chart, v) -> {
                    assertThat(env(chart.deployment("portal"), "TZ")).isEqualTo("Europe/Berlin");
                    assertThat(app(chart.deployment("operator")).getEnv()).extracting(EnvVar::getName).doesNotContain("TZ");
                }),
                row("portal.jvmOptions", "-Xss512k", (chart, v) ->
                        assertThat(env(chart.deployment("portal"), "_JAVA_OPTIONS")).isEqualTo("-Xss512k")),

                row("logging.format", "json", (chart, v) ->
                        assertThat(chart.applicationConfig("logging.structured.format.console")).contains("ecs")),

                row("metrics.interval", "15s", Map.of("metrics.serviceMonitor.enabled", true), (chart, v) ->
                        assertThat(monitor(chart, "ServiceMonitor", "endpoints")).containsEntry("interval", "15s")),
                row("metrics.serviceMonitor.enabled", true, (chart, v) -> {
                    assertThat(monitor(chart, "ServiceMonitor", "endpoints"))
                            .containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
                    assertThat(chart.findGeneric("PodMonitor", FULLNAME)).isEmpty();
                }),
                row("metrics.serviceMonitor.labels", Map.of("release", "kube-prometheus-stack"), Map.of("metrics.serviceMonitor.enabled", true),
                        (chart, v) -> assertThat(chart.generic("ServiceMonitor", FULLNAME).getMetadata().getLabels())
                                .containsEntry("release", "kube-prometheus-stack")),
                row("metrics.podMonitor.enabled", true, (chart, v) -> assertThat(monitor(chart, "PodMonitor", "podMetricsEndpoints"))
                        .containsEntry("port", "management").containsEntry("path", "/actuator/prometheus")),
                row("metrics.podMonitor.labels", Map.of("release", "kube-prometheus-stack"), Map.of("metrics.podMonitor.enabled", true),
                        (chart, v) -> assertThat(chart.generic("PodMonitor", FULLNAME).getMetadata().getLabels())
                                .containsEntry("release", "kube-prometheus-stack")),
                row("metrics.prometheusRule.enabled", true, (chart, v) -> assertThat(PrometheusRuleAlerts.of(chart))
                        .extracting(PrometheusRuleAlerts.Alert::name).contains("NebariLLMModelInError")),
                row("metrics.prometheusRule.labels", Map.of("role", "alert-rules"), Map.of("metrics.prometheusRule.enabled", true),
                        (chart, v) -> assertThat(chart.generic("PrometheusRule", FULLNAME).getMetadata().getLabels())
                                .containsEntry("role", "alert-rules")),
                row("grafana.dashboard.enabled", true, (chart, v) -> assertThat(dashboard(chart).getMetadata().getLabels())
                        .containsEntry("grafana_dashboard", "1")),
                row("grafana.dashboard.namespace", "monitoring", Map.of("grafana.dashboard.enabled", true), (chart, v) ->
                        assertThat(dashboard(chart).getMetadata().getNamespace()).isEqualTo("monitoring")),
                row("grafana.dashboard.label", "example.com/dashboard", Map.of("grafana.dashboard.enabled", true), (chart, v) ->
                        assertThat(dashboard(chart).getMetadata().getLabels()).containsEntry("example.com/dashboard", "1")
                                .doesNotContainKey("grafana_dashboard")),
                row("grafana.dashboard.labelValue", "nebari", Map.of("grafana.dashboard.enabled", true), (chart, v) ->
                        assertThat(dashboard(chart).getMetadata().getLabels()).containsEntry("grafana_dashboard", "nebari")),
                row("tests.image", "images.example.com/tools/busybox:1", (chart, v) ->
                        assertThat(testPod(chart).getSpec().getContainers().getFirst().getImage()).isEqualTo("images.example.com/tools/busybox:1")),

                row("podDisruptionBudget.enabled", false, (chart, v) -> assertThat(chart.all(PodDisruptionBudget.class)).isEmpty()),
                row("podDisruptionBudget.maxUnavailable", 2, (chart, v) -> assertThat(chart.all(PodDisruptionBudget.class))
                        .hasSize(2).allSatisfy(p -> assertThat(p.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(2)))),

                row("webhook.enabled", false, (chart, v) -> {
                    assertThat(chart.all(ValidatingWebhookConfiguration.class)).isEmpty();
                    assertThat(chart.find(Service.class, FULLNAME + "-webhook")).isEmpty();
                    assertThat(app(chart.deployment("operator")).getPorts()).noneMatch(p -> p.getContainerPort() == 9443);
                    assertThat(chart.applicationConfig("webhook.enabled")).contains(false);
                    assertThat(chart.grantsOf(FULLNAME + "-operator")).noneMatch(g -> g.touches("admissionregistration.k8s.io", "validatingwebhookconfigurations"));
                }),
                row("webhook.timeoutSeconds", 5, (chart, v) -> assertThat(chart.all(ValidatingWebhookConfiguration.class)
                        .findFirst().orElseThrow().getWebhooks().getFirst().getTimeoutSeconds()).isEqualTo(5)),

                row("networkPolicy.enabled", false, (chart, v) -> assertThat(chart.all(NetworkPolicy.class)).isEmpty()),
                row("networkPolicy.webhookFrom", List.of(Map.of("ipBlock", Map.of("cidr", "192.0.2.0/28"))),
                        (chart, v) -> assertThat(peers(chart, "operator")).filteredOn(peer -> peer.getIpBlock() != null)
                                .extracting(peer -> peer.getIpBlock().getCidr()).containsExactly("192.0.2.0/28")),
                row("networkPolicy.portalFrom", List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("app", "hub")))),
                        (chart, v) -> assertThat(peers(chart, "portal", "http")).filteredOn(peer -> peer.getPodSelector() != null)
                                .extracting(peer -> peer.getPodSelector().getMatchLabels()).containsExactly(Map.of("app", "hub"))),

                row("platform.baseDomain", "llm.example.org", reachesApp().and(nebariApp("hostname", "llm-keys.llm.example.org"))),
                row("platform.routing.mode", "subdomain", reachesApp()),
                row("platform.gateway.external.name", "edge", reachesApp()),
                row("platform.gateway.external.namespace", "gateways", reachesApp()),
                row("platform.gateway.external.listener", "models-https", reachesApp()),
                row("platform.gateway.external.url", "https://llm.example.org:8443", reachesApp()),
                row("platform.gateway.internal.name", "edge-internal", reachesApp()),
                row("platform.gateway.internal.namespace", "gateways-internal", reachesApp()),
                row("platform.gateway.internal.listener", "models-internal-https", reachesApp()),
                row("platform.gateway.internal.url", "https://llm-internal.example.org:8443", reachesApp()),
                row("platform.gateway.manageSharedListeners", true, Map.of("platform.tls.clusterIssuer", "letsencrypt"), reachesApp().and((chart, v) -> {
                    var role = chart.all(Role.class).filter(r -> r.getMetadata().getName().equals(FULLNAME + "-operator-listeners"))
                            .findFirst().orElseThrow();
                    assertThat(role.getMetadata().getNamespace()).isEqualTo("envoy-gateway-system");
                    assertThat(role.getRules().getFirst().getResourceNames()).containsExactly("nebari-gateway", "nebari-internal-gateway");
                })),
                row("platform.tls.clusterIssuer", "letsencrypt", reachesApp()),
                row("platform.tls.secretName", "llm-tls", reachesApp()),
                row("platform.monitoringNamespace", "prometheus", reachesApp()),

                row("auth.oidc.issuerURL", ISSUER, reachesApp()),
                row("auth.oidc.groupsClaim", "roles", reachesApp()),
                row("auth.oidc.audience", "llm-gateway", reachesApp()),
                row("auth.oidc.authorizedParties", List.of("jupyterhub"), reachesApp()),
                row("auth.oidc.nebariAppSecretName", "portal-oidc", reachesApp().and((chart, v) -> assertThat(chart.grantsOf(FULLNAME + "-portal"))
                        .anyMatch(g -> g.allows("", "secrets", "get", ChartRenderer.NAMESPACE, "portal-oidc")))),
                row("auth.adminGroups", List.of("platform-admins"), reachesApp()),

                row("defaults.serving.image", "images.example.com/vllm:1", reachesApp()),
                row("defaults.storage.storageClassName", "fast-ssd", reachesApp()),
                row("defaults.storage.accessMode", "ReadWriteMany", reachesApp()),
                row("defaults.monitoring.enabled", false, reachesApp()),
                row("defaults.epp.image", "images.example.com/epp:1", reachesApp()),
                row("defaults.downloader.image", "images.example.com/downloader:1", reachesApp()),
                row("defaults.hub.endpoint", "https://hf-mirror.example.com", reachesApp()),
                row("defaults.proxy.httpProxy", "http://proxy.example.com:3128", reachesApp()),
                row("defaults.proxy.httpsProxy", "http://user:p%40ss@proxy.example.com:3128", reachesApp()),
                row("defaults.proxy.noProxy", ".svc,.cluster.local,10.0.0.0/8", reachesApp()),
                row("defaults.trustedCA.bundle", CA_BUNDLE, reachesApp()),
                row("defaults.trustedCA.configMapName", "corp-ca-bundle", reachesApp()),
                row("defaults.trustedCA.configMapKey", "bundle.pem", reachesApp()),
                row("defaults.imagePullSecrets", List.of("corp-registry"), reachesApp()),

                row("apiKeysNamespace", "keys", reachesApp().and((chart, v) -> {
                    assertThat(chart.find(Namespace.class, "keys")).isPresent();
                    assertThat(chart.grantsOf(FULLNAME + "-portal")).anyMatch(g -> g.allows("", "secrets", "create", "keys", null));
                    assertThat(chart.grantsOf(FULLNAME + "-operator")).anyMatch(g -> g.allows("", "secrets", "list", "keys", null));
                })),
                row("watchNamespaces", List.of("team-a", "team-b"), reachesApp()),

                row("keyManager.enabled", false, reachesApp().and((chart, v) ->
                        assertThat(chart.findGeneric("NebariApp", FULLNAME + "-keys")).isEmpty())),
                row("keyManager.hostname", "keys.example.org", nebariApp("hostname", "keys.example.org")),
                row("keyManager.gateway", "internal", nebariApp("gateway", "internal")),
                row("keyManager.provider", "generic-oidc", Map.of("auth.oidc.issuerURL", ISSUER),
                        nebariApp("auth.provider", "generic-oidc").and(nebariApp("auth.issuerURL", ISSUER))),
                row("keyManager.groups", List.of("llm-users"), nebariApp("auth.groups", List.of("llm-users"))),
                row("keyManager.login.clientId", "llm-portal", Map.of("auth.oidc.issuerURL", ISSUER),
                        nebariApp("auth.provisionClient", false).and((chart, v) ->
                                assertThat(chart.applicationConfig("portal.login.clientId")).contains("llm-portal"))),
                row("keyManager.login.clientSecretName", "portal-client", (chart, v) ->
                        assertThat(clientSecretRef(chart).getName()).isEqualTo("portal-client")),
                row("keyManager.login.clientSecretKey", "secret", Map.of("keyManager.login.clientSecretName", "portal-client"),
                        (chart, v) -> assertThat(clientSecretRef(chart).getKey()).isEqualTo("secret")),
                row("keyManager.landingPage.enabled", false, (chart, v) -> assertThat(chart.generic("NebariApp", FULLNAME + "-keys")
                        .getAdditionalProperties().get("spec")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .doesNotContainKey("landingPage")),
                row("keyManager.landingPage.displayName", "Model keys", nebariApp("landingPage.displayName", "Model keys")),
                row("keyManager.landingPage.category", "Data science", nebariApp("landingPage.category", "Data science")),

                row("keys.defaultTTL", "30d", reachesApp()),
                row("keys.maxTTL", "180d", reachesApp()),
                row("keys.allowNoExpiry", true, reachesApp()),
                row("keys.maxPerUserPerModel", 10, reachesApp()),
                row("keys.writesPerMinute", 12, reachesApp()),
                row("keys.sweepInterval", "5m", reachesApp()),

                row("usage.prometheusUrl", "http://prometheus-operated.monitoring.svc:9090", reachesApp()),
                row("usage.refreshInterval", "2m", reachesApp()),
                row("usage.timeout", "5s", reachesApp()));
    }

    @Test
    void everyValueHasARow() {
        assertThat(table().stream().map(Wiring::path))
                .as("value paths with a wiring row (add a row for each new value)")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ChartFiles.valueLeaves().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void changingTheValueChangesWhatItShould(Wiring row) {
        assertThat(row.value()).as("the row must change the default").isNotEqualTo(ChartFiles.valueLeaves().get(row.path()));
        var baseline = ChartRenderer.installable().withAll(row.context());
        var changed = baseline.with(row.path(), row.value());

        if (row.expectation() == ACCEPTED_AND_UNREAD) {
            assertThat(changed.renderText()).as("rendered output of a value the chart only accepts").isEqualTo(baseline.renderText());
        } else {
            assertThat(changed.renderText()).as("rendered output").isNotEqualTo(baseline.renderText());
        }
        row.expectation().verify(changed.rendered(), row);
    }

    // ---- the table's vocabulary

    /** One value, the value to set it to, other values it needs, and where the change must show. */
    record Wiring(String path, Object value, Map<String, Object> context, Expectation expectation) {
        @Override
        public String toString() {
            return path + " = " + value;
        }
    }

    @FunctionalInterface
    interface Expectation {
        void verify(RenderedChart chart, Wiring row);

        default Expectation and(Expectation other) {
            return (chart, row) -> {
                verify(chart, row);
                other.verify(chart, row);
            };
        }
    }

    /** A value the schema accepts and no template reads (a parent chart's globals): setting it changes nothing. */
    private static final Expectation ACCEPTED_AND_UNREAD = (chart, row) -> assertThat(chart.all(Deployment.class)).isNotEmpty();

    private static Wiring accepted(String path, Object value) {
        return new Wiring(path, value, Map.of(), ACCEPTED_AND_UNREAD);
    }

    private static Wiring row(String path, Object value, Expectation expectation) {
        return new Wiring(path, value, Map.of(), expectation);
    }

    private static Wiring row(String path, Object value, Map<String, Object> context, Expectation expectation) {
        return new Wiring(path, value, context, expectation);
    }

    private static io.fabric8.kubernetes.api.model.SecretKeySelector clientSecretRef(RenderedChart chart) {
        return app(chart.deployment("portal")).getEnv().stream().filter(e -> e.getName().equals("PORTAL_LOGIN_CLIENTSECRET"))
                .findFirst().orElseThrow().getValueFrom().getSecretKeyRef();
    }

    /** Every source of the component's NetworkPolicy, across its rules. */
    private static List<NetworkPolicyPeer> peers(RenderedChart chart, String component) {
        return chart.get(NetworkPolicy.class, FULLNAME + "-" + component).getSpec().getIngress().stream()
                .flatMap(rule -> rule.getFrom().stream()).toList();
    }

    /** The sources the component's NetworkPolicy lets reach one of its ports. */
    private static List<NetworkPolicyPeer> peers(RenderedChart chart, String component, String port) {
        return chart.get(NetworkPolicy.class, FULLNAME + "-" + component).getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> port.equals(p.getPort().getStrVal())))
                .flatMap(rule -> rule.getFrom().stream()).toList();
    }

    /** A pack setting: it reaches application.yaml under its own path, unchanged. */
    private static Expectation reachesApp() {
        return (chart, row) -> assertThat(chart.applicationConfig(row.path())).as("application.yaml %s", row.path()).contains(row.value());
    }

    private static Expectation nebariApp(String specPath, Object expected) {
        return (chart, row) -> {
            var spec = chart.generic("NebariApp", FULLNAME + "-keys").getAdditionalProperties().get("spec");
            @SuppressWarnings("unchecked")
            var value = ValuePaths.at((Map<String, Object>) spec, specPath);
            assertThat(value).as("NebariApp spec.%s", specPath).contains(expected);
        };
    }

    private static Expectation onBothWorkloads(java.util.function.Consumer<Deployment> assertion) {
        return (chart, row) -> Stream.of("operator", "portal").map(chart::deployment).forEach(assertion);
    }

    private static Expectation runsAs(String component, String serviceAccount) {
        return (chart, row) -> {
            assertThat(chart.deployment(component).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(serviceAccount);
            assertThat(chart.find(ServiceAccount.class, serviceAccount)).isPresent();
            assertThat(chart.grantsOf(serviceAccount)).isNotEmpty();
        };
    }

    /** The first scrape endpoint of the release's ServiceMonitor or PodMonitor. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> monitor(RenderedChart chart, String kind, String endpoints) {
        return ((List<Map<String, Object>>) chart.generic(kind, FULLNAME).<List<?>>get("spec", endpoints)).getFirst();
    }

    private static ConfigMap dashboard(RenderedChart chart) {
        return chart.get(ConfigMap.class, FULLNAME + "-dashboard");
    }

    private static Pod testPod(RenderedChart chart) {
        return chart.get(Pod.class, FULLNAME + "-test-readiness");
    }

    private static PodSpec pod(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec();
    }

    private static Expectation podSpec(String component, java.util.function.Consumer<PodSpec> assertion) {
        return (chart, row) -> assertion.accept(chart.deployment(component).getSpec().getTemplate().getSpec());
    }

    /** The configured affinity, and nothing of the default (spreading replicas): a set affinity replaces it. */
    private static void hasOnlyTheZoneAffinity(PodSpec pod) {
        assertThat(pod.getAffinity().getPodAntiAffinity()).isNull();
        assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().getFirst().getMatchExpressions().getFirst().getValues()).containsExactly("zone-a");
    }

    private static Expectation resource(String component, Function<io.fabric8.kubernetes.api.model.ResourceRequirements, Quantity> pick) {
        return (chart, row) -> assertThat(pick.apply(app(chart.deployment(component)).getResources()))
                .isEqualTo(new Quantity((String) row.value()));
    }
}
