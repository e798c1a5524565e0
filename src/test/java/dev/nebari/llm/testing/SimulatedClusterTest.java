package dev.nebari.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated cluster behaves like a small real one: Deployments become Pods that pass their init containers
 * and turn Ready on the fake GPU node, a Pod asking for more GPUs than exist is reported unschedulable, and
 * deleting an owner garbage-collects its dependents.
 */
@WithKubernetes(controllers = true, upstreamCrds = false)
class SimulatedClusterTest {

    static String namespace;

    @BeforeAll
    static void createNamespace(TestCluster cluster) {
        namespace = cluster.newNamespace("sim");
    }

    private static Deployment gpuDeployment(String name, int gpus) {
        var labels = Map.of("app", name);
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withInitContainers(new ContainerBuilder().withName("init").withImage("busybox").build())
                .withContainers(new ContainerBuilder().withName("main").withImage("vllm")
                        .withNewResources().withLimits(Map.of("nvidia.com/gpu", new Quantity(Integer.toString(gpus))))
                        .endResources()
                        .build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static List<Pod> pods(KubernetesClient client, String app) {
        return client.pods().inNamespace(namespace).withLabel("app", app).list().getItems();
    }

    private static boolean hasCondition(Pod pod, String type, String status) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> type.equals(c.getType()) && status.equals(c.getStatus()));
    }

    @Test
    void deploymentPodRunsToReadyOnTheFakeGpuNode(KubernetesClient client) {
        client.resource(gpuDeployment("fits", 1)).create();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods(client, "fits"))
                .singleElement()
                .satisfies(pod -> {
                    assertThat(pod.getSpec().getNodeName()).isEqualTo("kwok-gpu-node");
                    assertThat(hasCondition(pod, "Ready", "True")).as("Ready condition of %s", pod.getStatus()).isTrue();
                    assertThat(pod.getStatus().getInitContainerStatuses()).singleElement()
                            .satisfies(s -> assertThat(s.getState().getTerminated()).isNotNull());
                }));
    }

    @Test
    void podAskingForMoreGpusThanAnyNodeHasIsUnschedulable(KubernetesClient client) {
        client.resource(gpuDeployment("too-big", TestCluster.FAKE_NODE_GPUS + 1)).create();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods(client, "too-big"))
                .singleElement()
                .satisfies(pod -> assertThat(pod.getStatus().getConditions())
                        .filteredOn(c -> "PodScheduled".equals(c.getType()))
                        .singleElement()
                        .satisfies((PodCondition c) -> {
                            assertThat(c.getReason()).isEqualTo("Unschedulable");
                            assertThat(c.getMessage()).contains("nvidia.com/gpu");
                        })));
    }

    @Test
    void deletingADeploymentGarbageCollectsItsPods(KubernetesClient client) {
        client.resource(gpuDeployment("collected", 0)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> pods(client, "collected").size() == 1);

        client.apps().deployments().inNamespace(namespace).withName("collected").delete();

        await().atMost(Duration.ofSeconds(60)).until(() -> pods(client, "collected").isEmpty()
                && client.apps().replicaSets().inNamespace(namespace).withLabel("app", "collected").list().getItems().isEmpty());
    }
}
