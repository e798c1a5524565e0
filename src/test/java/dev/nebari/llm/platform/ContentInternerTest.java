package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cached generic objects share their equal parts, keep their values, and cannot be changed through them. */
class ContentInternerTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** As the informer reads it: Jackson's own maps and lists, one tree per object. */
    private static GenericKubernetesResource policy(String name, String clientId) {
        return SERIALIZATION.unmarshal("""
                {"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "SecurityPolicy",
                 "metadata": {"name": "%s", "namespace": "team-a"},
                 "spec": {"apiKeyAuth": {"credentialRefs": [
                             {"group": "", "kind": "Secret", "name": "keys.team-a.one.0", "namespace": "llm-api-keys"},
                             {"group": "", "kind": "Secret", "name": "keys.team-a.two.0", "namespace": "llm-api-keys"}]},
                          "authorization": {"rules": [{"principal": {"headers": [{"values": ["%s"]}]}}]},
                          "port": 8000, "optional": null}}""".formatted(name, clientId), GenericKubernetesResource.class);
    }

    @Test
    void equalPartsOfDifferentObjectsAreOneInstance() {
        var interner = new ContentInterner();
        var one = policy("one-external", "k1");
        var two = policy("two-external", "k2");

        interner.shareContent(one);
        interner.shareContent(two);

        assertThat(credentialRefs(one)).isSameAs(credentialRefs(two));
        assertThat(GenericResources.spec(one).get("authorization")).isNotEqualTo(GenericResources.spec(two).get("authorization"));
    }

    @Test
    void contentsStayEqualToWhatWasRead() {
        var interner = new ContentInterner();
        var shared = policy("one-external", "k1");

        interner.shareContent(shared);

        var original = policy("one-external", "k1");
        assertThat(shared.getAdditionalProperties()).isEqualTo(original.getAdditionalProperties());
        assertThat(GenericResources.spec(shared)).containsEntry("optional", null).containsEntry("port", 8000);
        assertThat(SERIALIZATION.unmarshal(SERIALIZATION.asJson(shared), GenericKubernetesResource.class)).isEqualTo(original);
    }

    @Test
    void sharedPartsCannotBeChanged() {
        var interner = new ContentInterner();
        var one = policy("one-external", "k1");
        interner.shareContent(one);

        @SuppressWarnings("unchecked")
        var refs = (List<Map<String, Object>>) credentialRefs(one);
        assertThatThrownBy(() -> refs.get(0).put("name", "someone-else")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> refs.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void partsNoObjectHoldsAreForgotten() throws InterruptedException {
        var interner = new ContentInterner();
        interner.shareContent(policy("one-external", "k1"));

        for (int i = 0; i < 50 && interner.size() > 0; i++) {
            System.gc();
            Thread.sleep(20);
        }

        assertThat(interner.size()).isZero();
    }

    @SuppressWarnings("unchecked")
    private static Object credentialRefs(GenericKubernetesResource policy) {
        return ((Map<String, Object>) GenericResources.spec(policy).get("apiKeyAuth")).get("credentialRefs");
    }
}
