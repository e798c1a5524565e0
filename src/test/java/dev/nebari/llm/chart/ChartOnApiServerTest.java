package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole chart, as {@code helm install} would send it (CRDs from crds/ first, then every template, the
 * {@code helm test} Pod included), applied to
 * the real API server with server-side apply and strict field validation: every object must be accepted, so a
 * field the API server does not know (a typo, a wrong indentation in a template, a field of a newer Kubernetes or
 * NebariApp version) fails here rather than in a user's cluster.
 *
 * <p>Each value set is a release of its own name in a fresh namespace, with its own keys namespace, so that the
 * cluster-scoped objects (ClusterRoles, their bindings, the webhook configuration, the keys Namespace) never collide
 * with another value set or with {@code ChartRbacOnApiServerTest}'s release. Each value set is uninstalled again
 * before the next test, the webhook configuration first: it fails closed on LLMModel writes and no operator pod
 * serves it here, so left behind it would refuse every later test's models. The CRD stays: the harness installed
 * the same file at start and every other test uses it.
 */
@WithKubernetes
class ChartOnApiServerTest {

    private static final String FIELD_MANAGER = "helm";
    private static final String WEBHOOK_CONFIGURATION = "ValidatingWebhookConfiguration";
    private static final Duration ADMISSION_CONFIG_PROPAGATION = Duration.ofSeconds(30);

    /** A value set to install: a release name of its own and the values that differ from the defaults. */
    record ValueSet(String release, Map<String, Object> values) {
        @Override
        public String toString() {
            return release + " " + values;
        }

        boolean keyManager() {
            return !Boolean.FALSE.equals(values.get("keyManager.enabled"));
        }
    }

    static Stream<ValueSet> valueSets() {
        var toleration = Map.<String, Object>of("key", "dedicated", "operator", "Exists", "effect", "NoSchedule");
        var inZoneA = Map.of("key", "topology.kubernetes.io/zone", "operator", "In", "values", List.of("zone-a"));
        var preferZoneA = Map.of("weight", 50, "preference", Map.of("matchExpressions", List.of(inZoneA)));
        var zone = Map.<String, Object>of("nodeAffinity",
                Map.of("preferredDuringSchedulingIgnoredDuringExecution", List.of(preferZoneA)));
        return Stream.of(
                new ValueSet("applied-defaults", Map.of()),
                new ValueSet("applied-combined", Map.of("combined", true)),
                new ValueSet("applied-subdomain", Map.of("platform.routing.mode", "subdomain")),
                new ValueSet("applied-no-key-manager", Map.of("keyManager.enabled", false)),
                // the operator's admission policy then names the watched namespaces instead of reading their label
                new ValueSet("applied-watch-namespaces", Map.of("watchNamespaces", List.of("team-a", "team-b"))),
                new ValueSet("applied-scheduling", Map.of(
                        "operator.nodeSelector", Map.of("kubernetes.io/os", "linux"),
                        "operator.tolerations", List.of(toleration),
                        "operator.affinity", zone,
                        "portal.nodeSelector", Map.of("kubernetes.io/os", "linux"),
                        "portal.tolerations", List.of(toleration),
                        "portal.affinity", zone)),
                // the pack's own monitoring (PodMonitor and ServiceMonitor are among the tested CRDs; PrometheusRule is
                // not, so it is checked by rendering only), the dashboard ConfigMap and the pod values
                new ValueSet("applied-service-monitor", Map.of(
                        "metrics.serviceMonitor.enabled", true,
                        "metrics.serviceMonitor.labels", Map.of("release", "kube-prometheus-stack"),
                        "metrics.interval", "30s",
                        "grafana.dashboard.enabled", true,
                        "podAnnotations", Map.of("example.com/team", "ml-platform"),
                        "podLabels", Map.of("example.com/cost-centre", "ml"),
                        "priorityClassName", "llm-control-plane")),
                new ValueSet("applied-pod-monitor", Map.of(
                        "metrics.podMonitor.enabled", true,
                        "imagePullSecrets", List.of("registry-credentials"),
                        "operator.extraEnv", List.of(Map.of("name", "TZ", "value", "UTC"),
                                Map.of("name", "NODE", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "spec.nodeName")))),
                        "operator.jvmOptions", "-XX:MaxRAMPercentage=65",
                        "logging.format", "json")));
    }

    /**
     * Installs as Helm does, one attempt per object. (The shared client retries 5xx answers with backoff, and the API
     * server answers an apply it cannot type, such as one with an unknown field, with 500: 20 s per refusal.)
     */
    private static KubernetesClient installer;

    @BeforeAll
    static void connectTheInstaller(TestCluster cluster) {
        installer = new KubernetesClientBuilder().withConfig(new ConfigBuilder(cluster.controlPlane().clientConfig())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @AfterAll
    static void leaveNothingThatInterceptsRequests(KubernetesClient admin) {
        installer.close();
        var releases = valueSets().map(ValueSet::release).toList();
        assertThat(admin.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems())
                .extracting(c -> c.getMetadata().getLabels().get("app.kubernetes.io/instance"))
                .doesNotContainAnyElementsOf(releases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void everyRenderedObjectIsAcceptedWithStrictFieldValidation(ValueSet set, TestCluster cluster, KubernetesClient admin) {
        var releaseNamespace = cluster.newNamespace("chart-" + set.release());
        // What kube-controller-manager does for every namespace (it runs only once a test class started the simulated
        // cluster, so it may have done it already): the helm test Pod runs as this ServiceAccount (with no token), and
        // admission refuses a Pod whose ServiceAccount is missing.
        admin.serviceAccounts().inNamespace(releaseNamespace).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata().build()).fieldManager("test").serverSideApply();
        var objects = ChartRenderer.installable()
                .withAll(set.values())
                .with("apiKeysNamespace", releaseNamespace + "-keys")
                .inRelease(set.release(), releaseNamespace)
                .withCrds()
                .renderUntyped();
        assertThat(objects).extracting(HasMetadata::getKind).containsAll(expectedKinds(set));

        var created = new ArrayList<HasMetadata>();
        try {
            var refused = new LinkedHashMap<String, String>();
            for (var object : objects) {
                try {
                    var applied = apply(object);
                    created.add(applied);
                    if (applied.getMetadata().getNamespace() != null) {
                        assertThat(object.getMetadata().getNamespace())
                                .as("%s is namespaced: the chart must name its namespace, or it lands in the client's",
                                        describe(object))
                                .isEqualTo(applied.getMetadata().getNamespace());
                    }
                } catch (KubernetesClientException e) {
                    refused.put(describe(object), message(e));
                }
            }
            assertThat(refused).as("objects the API server refused").isEmpty();
        } finally {
            uninstall(admin, created, releaseNamespace);
        }
    }

    /**
     * The test above can fail: a misspelt field is refused, in a built-in kind and in a custom resource (which a
     * create or update would prune silently). Server-side apply types the object against the schema, so on 1.35 it
     * refuses an unknown field under any fieldValidation (checked with Ignore); Strict adds refusing duplicate fields.
     */
    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({"Deployment, replicaz", "NebariApp, hostnam"})
    void aFieldTheApiServerDoesNotKnowIsRefused(String kind, String misspelt, TestCluster cluster, KubernetesClient admin) {
        var namespace = cluster.newNamespace("chart-strict");
        var object = ChartRenderer.installable().inRelease("applied-strict", namespace).renderUntyped().stream()
                .filter(o -> o.getKind().equals(kind)).findFirst().orElseThrow();
        object.<Map<String, Object>>get("spec").put(misspelt, 1);

        assertThatThrownBy(() -> apply(object))
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(message(e)).contains("spec." + misspelt));
        assertThat(admin.resource(object).get()).as("nothing stored").isNull();
    }

    private static HasMetadata apply(GenericKubernetesResource object) {
        var apply = installer.resource(object).fieldValidation(Validation.STRICT).fieldManager(FIELD_MANAGER);
        // The harness installed this very CRD file at start under its own field manager. spec.versions is an atomic
        // list and the stored copy is normalised (the API server drops printer columns' "priority: 0"), so a second
        // manager's identical apply counts as a conflict. Taking ownership is what a fresh install amounts to.
        return object.getKind().equals("CustomResourceDefinition")
                ? apply.forceConflicts().serverSideApply()
                : apply.serverSideApply();
    }

    private static Set<String> expectedKinds(ValueSet set) {
        var kinds = Stream.of("CustomResourceDefinition", "Namespace", "ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "Service", "Deployment",
                "PodDisruptionBudget", WEBHOOK_CONFIGURATION, "NetworkPolicy", "ValidatingAdmissionPolicy",
                "ValidatingAdmissionPolicyBinding", "Pod");
        var optional = Map.of("NebariApp", set.keyManager(),
                "ServiceMonitor", Boolean.TRUE.equals(set.values().get("metrics.serviceMonitor.enabled")),
                "PodMonitor", Boolean.TRUE.equals(set.values().get("metrics.podMonitor.enabled")));
        return Stream.concat(kinds, optional.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey))
                .collect(Collectors.toSet());
    }

    /**
     * Uninstalls what this value set created outside the harness's own objects: the webhook configuration first,
     * then, once admission no longer calls it (the API server learns of the deletion through an informer), the other
     * cluster-scoped objects and the release namespace (the keys namespace is one of the chart's objects).
     */
    private static void uninstall(KubernetesClient admin, List<HasMetadata> created, String releaseNamespace) {
        var webhooks = created.stream().filter(o -> o.getKind().equals(WEBHOOK_CONFIGURATION)).toList();
        webhooks.forEach(o -> admin.resource(o).delete());
        if (!webhooks.isEmpty()) {
            await().atMost(ADMISSION_CONFIG_PROPAGATION).ignoreExceptions()
                    .untilAsserted(() -> installer.resource(ModelFixtures.model(releaseNamespace, "admission-probe",
                            "org/probe", "access: {public: true}")).dryRun().create());
        }
        created.stream()
                .filter(o -> o.getMetadata().getNamespace() == null)
                .filter(o -> !o.getKind().equals(WEBHOOK_CONFIGURATION) && !o.getKind().equals("CustomResourceDefinition"))
                .forEach(o -> admin.resource(o).delete());
        admin.namespaces().withName(releaseNamespace).delete();
    }

    private static String describe(HasMetadata object) {
        var namespace = object.getMetadata().getNamespace();
        return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
    }

    private static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
