package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UntypedClientTest {

    private static final String DEPLOYMENT = """
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "llama", "namespace": "team-a", "labels": {"app": "llama"}},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "llama"}},
                      "template": {"metadata": {"labels": {"app": "llama"}},
                                   "spec": {"containers": [{"name": "vllm", "image": "vllm:1",
                                                            "resources": {"limits": {"nvidia.com/gpu": "1"}}}]}}}}
            """;

    @Test
    void decodesABuiltInKindStraightIntoTheGenericFormWithTheSameContent() {
        var counter = new KubernetesRequestCounter();
        try (var typed = counter.countedClient(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())) {
            var untyped = UntypedClient.of(typed);

            KubernetesResource asTyped = typed.getKubernetesSerialization().unmarshal(DEPLOYMENT, KubernetesResource.class);
            KubernetesResource asGeneric = untyped.serialization().unmarshal(DEPLOYMENT, KubernetesResource.class);

            assertThat(asTyped).isInstanceOf(Deployment.class);
            assertThat(asGeneric).isInstanceOf(GenericKubernetesResource.class);
            // The generic form decoded once equals the one fabric8 converts from the typed object.
            assertThat(asGeneric).isEqualTo(typed.getKubernetesSerialization().convertValue(asTyped, GenericKubernetesResource.class));
        }
    }

    @Test
    void anInformerOfTheUntypedClientSeesGenericObjectsOverTheSameCountedConnection() {
        var cluster = TestCluster.shared();
        var namespace = cluster.newNamespace("untyped");
        var counter = new KubernetesRequestCounter();
        try (var typed = counter.countedClient(cluster.client().getConfiguration())) {
            var untyped = UntypedClient.of(typed);
            var seen = new CopyOnWriteArrayList<Object>();
            var getsBefore = counter.count("GET");
            var informer = untyped.resources("apps/v1", "Deployment").inNamespace(namespace)
                    .inform(ChangeHandler.whilePresent(seen::add));
            try (informer) {
                typed.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                        .withNewMetadata().withName("llama").endMetadata()
                        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "llama")).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "llama")).endMetadata()
                        .withNewSpec().addNewContainer().withName("vllm").withImage("vllm:1").endContainer().endSpec()
                        .endTemplate().endSpec().build()).create();

                await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty());
                assertThat(seen).singleElement().isExactlyInstanceOf(GenericKubernetesResource.class);
                var object = (GenericKubernetesResource) seen.getFirst();
                assertThat(object.getMetadata().getName()).isEqualTo("llama");
                assertThat(object.getMetadata().getManagedFields()).as("not decoded").isNullOrEmpty();
                assertThat(object.<List<Map<String, Object>>>get("spec", "template", "spec", "containers"))
                        .extracting(container -> container.get("image")).containsExactly("vllm:1");
                // The informer's list and watch went through the counted HTTP client.
                assertThat(counter.count("GET")).isGreaterThan(getsBefore);
            }
        }
    }
}
