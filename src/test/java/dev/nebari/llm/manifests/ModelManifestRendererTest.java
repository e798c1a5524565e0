package dev.nebari.llm.manifests;

import static dev.nebari.llm.model.ModelFixtures.referenceModel;
import static dev.nebari.llm.model.ModelFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.model.LLMModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelManifestRendererTest {

    static final AccessInputs ACCESS = new AccessInputs(List.of("keys-0"), List.of("c-1"),
            new AccessInputs.OidcProvider("https://id.example.com", "https://id.example.com/jwks"));

    static ModelManifests render(LLMModel model) {
        return ModelManifestRenderer.render(model, new RenderContext(settings(), ACCESS));
    }

    @Test
    void rendersWorkloadSchedulerAndGatewayInApplyOrder() {
        assertThat(render(referenceModel()).inNamespace()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "PersistentVolumeClaim/qwen3-model-storage",
                "ServiceAccount/qwen3",
                "Deployment/qwen3",
                "Service/qwen3",
                "NetworkPolicy/qwen3",
                "PodMonitor/qwen3",
                "ServiceAccount/qwen3-epp",
                "Role/qwen3-epp",
                "RoleBinding/qwen3-epp",
                "ConfigMap/qwen3-epp-config",
                "Service/qwen3-epp",
                "InferencePool/qwen3",
                "Deployment/qwen3-epp",
                "SecurityPolicy/qwen3-external",
                "SecurityPolicy/qwen3-internal",
                "AIGatewayRoute/qwen3-external",
                "AIGatewayRoute/qwen3-internal");
    }

    @Test
    void ownsEveryObjectInTheModelNamespace() {
        assertThat(render(referenceModel()).inNamespace()).allSatisfy(object -> assertThat(object.getMetadata().getOwnerReferences())
                .singleElement().satisfies(owner -> {
                    assertThat(owner.getKind()).isEqualTo("LLMModel");
                    assertThat(owner.getName()).isEqualTo("qwen3");
                    assertThat(owner.getUid()).isEqualTo("6f1c2d3e-0000-4000-8000-000000000001");
                    assertThat(owner.getController()).isTrue();
                }));
    }

    @Test
    void putsTheKeysReferenceGrantElsewhereWithoutAnOwner() {
        assertThat(render(referenceModel()).elsewhere()).singleElement().satisfies(grant -> {
            assertThat(grant.getKind()).isEqualTo("ReferenceGrant");
            assertThat(grant.getMetadata().getNamespace()).isEqualTo("llm-api-keys");
            assertThat(grant.getMetadata().getOwnerReferences()).isNullOrEmpty();
        });
    }

    @Test
    void rendersTheSameObjectsEveryTime() {
        assertThat(render(referenceModel()).all()).isEqualTo(render(referenceModel()).all());
    }

    static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }
}
