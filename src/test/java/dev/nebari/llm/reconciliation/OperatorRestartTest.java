package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * An operator that restarts (a new leader, a rolling update) reads everything back and finds nothing to write; and
 * while it cannot reach the OIDC provider it keeps the internal endpoint that exists instead of deleting it. Both
 * were wrong before: the first reconciles after a start ran before the provider's discovery document had arrived,
 * deleted every internal route and policy they reached, and put them back a moment later (bench/scale found it).
 */
@WithKubernetes
class OperatorRestartTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aRestartedOperatorWritesNothingAndAnUnreachableProviderTakesNoEndpointDown(TestCluster cluster) throws Exception {
        var client = cluster.client();
        var namespace = cluster.newNamespace("restart");
        try (var issuer = FakeOidcIssuer.start()) {
            try (var first = new RunningReconciler(cluster, issuer)) {
                for (int i = 0; i < 6; i++) {
                    client.resource(ModelFixtures.model(namespace, "m" + i, "org/m" + i,
                            // no replicas: with the shared cluster's controllers running, pods coming up would change
                            // the Deployments' and models' status while the test compares versions
                            "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}\nlimits: {requestsPerMinute: 60}\n"
                                    + "serving: {replicas: 0}")).create();
                }
                await().atMost(TIMEOUT).until(() -> versions(client, namespace).keySet().stream()
                        .filter(k -> k.startsWith("AIGatewayRoute/") && k.endsWith("-internal")).count() == 6
                        && client.resources(LLMModel.class).inNamespace(namespace).list().getItems().stream()
                                .allMatch(m -> m.getStatus() != null && m.getMetadata().getGeneration().equals(m.getStatus().observedGeneration())));
                awaitUnchanged(client, namespace);
            }
            var before = versions(client, namespace);

            try (var restarted = new RunningReconciler(cluster, issuer)) {
                await().atMost(TIMEOUT).until(() -> restarted.reconciles() >= 6);
                awaitUnchanged(client, namespace);
            }
            assertThat(changed(before, versions(client, namespace))).as("objects a restart wrote").isEmpty();

            issuer.close();
            try (var withoutProvider = new RunningReconciler(cluster, issuer)) {
                await().atMost(TIMEOUT).until(() -> withoutProvider.reconciles() >= 6);
                awaitUnchanged(client, namespace);
            }
            // the models' status now says the internal endpoint waits for the provider; their objects are untouched
            assertThat(changed(before, versions(client, namespace))).as("objects written or deleted without the provider")
                    .allMatch(object -> object.startsWith("LLMModel/") || object.equals("Events"));
        }
    }

    /** Every object of the namespace's models (and the models) by kind/name, with its resource version. */
    private static Map<String, String> versions(KubernetesClient client, String namespace) {
        var versions = new TreeMap<String, String>();
        client.resources(LLMModel.class).inNamespace(namespace).list().getItems()
                .forEach(m -> versions.put("LLMModel/" + m.getMetadata().getName(), internalEndpointSince(m)));
        // a model whose readiness flapped has Events for it (a flap within one second leaves its condition's time alone)
        versions.put("Events", Long.toString(client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "LLMModel".equals(e.getInvolvedObject().getKind())).mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum()));
        for (var kind : dev.nebari.llm.manifests.ChildKind.values()) {
            if (kind.livesInKeysNamespace() || kind.providerOnly()) {
                continue; // the keys namespace is shared; an LLMModel has no provider-only kinds (their CRDs may be absent)
            }
            client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(namespace)
                    .withLabel(ModelObjects.MANAGED_BY, ModelObjects.PACK).list().getItems()
                    .forEach(o -> versions.put(o.getKind() + "/" + o.getMetadata().getName(), version(o)));
        }
        return versions;
    }

    /**
     * For a model, when its internal endpoint last changed state: the restart bug withheld it for a moment (and the
     * routes went). Not the resource version: the shared cluster's controllers may bring the endpoint picker's pods
     * up meanwhile, which rightly changes other conditions.
     */
    private static String internalEndpointSince(LLMModel model) {
        return model.getStatus() == null ? "no status" : model.getStatus().conditions().stream()
                .filter(c -> "InternalEndpointReady".equals(c.getType()))
                .map(c -> c.getStatus() + " since " + c.getLastTransitionTime()).findFirst().orElse("no condition");
    }

    /**
     * What changes when the operator writes the object: its resource version, but for a Deployment its generation,
     * since the deployment controller writes a Deployment's status (the endpoint picker's pods come up meanwhile).
     */
    private static String version(io.fabric8.kubernetes.api.model.GenericKubernetesResource object) {
        return "Deployment".equals(object.getKind()) ? "generation " + object.getMetadata().getGeneration()
                : object.getMetadata().getResourceVersion();
    }

    /** The objects whose version differs (or which are gone), e.g. {@code Deployment/m0}. */
    private static java.util.List<String> changed(Map<String, String> before, Map<String, String> now) {
        return before.keySet().stream().filter(object -> !before.get(object).equals(now.get(object))).toList();
    }

    /** Waits until nothing in the namespace has changed for two seconds. */
    private static void awaitUnchanged(KubernetesClient client, String namespace) {
        var last = new java.util.concurrent.atomic.AtomicReference<>(versions(client, namespace));
        await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
            var now = versions(client, namespace);
            return now.equals(last.getAndSet(now));
        });
    }
}
