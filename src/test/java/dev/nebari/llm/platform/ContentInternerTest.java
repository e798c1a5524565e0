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
                 "metadata": {"name": "%s", "namespace": "team-a", "uid": "%s", "resourceVersion": "%s",
                              "creationTimestamp": "2026-12-07T19:52:30Z", "finalizers": ["llm.nebari.dev/cleanup"],
                              "labels": {"app.kubernetes.io/managed-by": "nebari-llm-serving", "llm.nebari.dev/model": "one"},
                              "annotations": {"llm.nebari.dev/applied-hash": "%s"},
                              "ownerReferences": [{"apiVersion": "llm.nebari.dev/v1alpha1", "kind": "LLMModel",
                                                   "name": "one", "uid": "u-1", "controller": true}]},
                 "spec": {"apiKeyAuth": {"credentialRefs": [
                             {"group": "", "kind": "Secret", "name": "keys.team-a.one.0", "namespace": "llm-api-keys"},
                             {"group": "", "kind": "Secret", "name": "keys.team-a.two.0", "namespace": "llm-api-keys"}]},
                          "authorization": {"rules": [{"principal": {"headers": [{"values": ["%s"]}]}}]},
                          "port": 8000, "optional": null}}""".formatted(name, "uid-" + name, "rv-" + name, "hash-" + name,
                clientId), GenericKubernetesResource.class);
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

    @Test
    void metadataSharesWhatObjectsHaveInCommonAndKeepsWhatIsTheirsAlone() {
        var interner = new ContentInterner();
        var one = policy("one-external", "k1");
        var two = policy("one-internal", "k2");

        interner.share(one);
        interner.share(two);

        var first = one.getMetadata();
        var second = two.getMetadata();
        assertThat(first.getLabels()).isSameAs(second.getLabels());
        assertThat(first.getOwnerReferences()).isSameAs(second.getOwnerReferences());
        assertThat(first.getFinalizers()).isSameAs(second.getFinalizers());
        assertThat(first.getNamespace()).isSameAs(second.getNamespace());
        assertThat(first.getCreationTimestamp()).isSameAs(second.getCreationTimestamp());
        assertThat(one.getKind()).isSameAs(two.getKind());
        assertThat(first.getAnnotations().keySet().iterator().next()).isSameAs(second.getAnnotations().keySet().iterator().next());
        assertThat(first.getAnnotations()).containsExactly(Map.entry("llm.nebari.dev/applied-hash", "hash-one-external"));
        assertThat(second.getAnnotations()).containsExactly(Map.entry("llm.nebari.dev/applied-hash", "hash-one-internal"));
        assertThat(first.getUid()).isEqualTo("uid-one-external");
        assertThat(first.getResourceVersion()).isEqualTo("rv-one-external");
        assertThat(SERIALIZATION.unmarshal(SERIALIZATION.asJson(one), GenericKubernetesResource.class))
                .isEqualTo(policy("one-external", "k1"));
        assertThatThrownBy(() -> first.getLabels().put("llm.nebari.dev/model", "two"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.getAnnotations().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @SuppressWarnings("unchecked")
    private static Object credentialRefs(GenericKubernetesResource policy) {
        return ((Map<String, Object>) GenericResources.spec(policy).get("apiKeyAuth")).get("credentialRefs");
    }
}
