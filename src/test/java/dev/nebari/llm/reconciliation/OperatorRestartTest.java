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
                            "resources: {gpu: {count: 1}}\naccess: {groups: [llm-users]}\nlimits: {requestsPerMinute: 60}")).create();
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
                    .allMatch(object -> object.startsWith("LLMModel/"));
        }
    }

    /** Every object of the namespace's models (and the models) by kind/name, with its resource version. */
    private static Map<String, String> versions(KubernetesClient client, String namespace) {
        var versions = new TreeMap<String, String>();
        client.resources(LLMModel.class).inNamespace(namespace).list().getItems()
                .forEach(m -> versions.put("LLMModel/" + m.getMetadata().getName(), m.getMetadata().getResourceVersion()));
        for (var kind : dev.nebari.llm.manifests.ChildKind.values()) {
            if (kind.livesInKeysNamespace()) {
                continue;
            }
            client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(namespace)
                    .withLabel(ModelObjects.MANAGED_BY, ModelObjects.PACK).list().getItems()
                    .forEach(o -> versions.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        }
        return versions;
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
