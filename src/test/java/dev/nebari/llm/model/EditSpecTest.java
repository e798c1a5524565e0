package dev.nebari.llm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tests change a model's spec while the operator writes its finalizer and status. fabric8's edit locks on the
 * resourceVersion it read, so such an edit failed with 409 Conflict now and then in CI; {@link ModelFixtures#editSpec}
 * edits the way an admin's apply does. Proven here with a read that is stale for certain.
 */
@WithKubernetes(upstreamCrds = false)
class EditSpecTest {

    @Test
    void aSpecEditGoesThroughAfterSomeoneElseWroteTheModel(TestCluster cluster) {
        var client = cluster.client();
        var namespace = cluster.newNamespace("edit-spec");
        client.resource(ModelFixtures.model(namespace, "edited", "org/edited", "access: {groups: [llm-users]}")).create();
        var stale = client.resources(LLMModel.class).inNamespace(namespace).withName("edited").get();
        client.resources(LLMModel.class).inNamespace(namespace).withName("edited")
                .edit(m -> { m.getMetadata().setLabels(Map.of("written", "meanwhile")); return m; });

        assertThatThrownBy(() -> client.resource(stale).edit(m -> ModelFixtures.withSpec(m, spec -> withWeight(spec, 20))))
                .as("a plain edit from the stale read").isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

        ModelFixtures.editSpec(client.resource(stale), spec -> withWeight(spec, 30));

        var stored = client.resources(LLMModel.class).inNamespace(namespace).withName("edited").get();
        assertThat(stored.getSpec().traffic().weight()).isEqualTo(30);
        assertThat(stored.getMetadata().getLabels()).containsEntry("written", "meanwhile");
    }

    private static LLMModelSpec withWeight(LLMModelSpec spec, int weight) {
        return new LLMModelSpec(spec.model(), spec.resources(), spec.serving(), spec.access(), spec.endpoints(),
                spec.limits(), spec.advanced(), new TrafficSpec(weight), spec.adapters());
    }
}
