package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.model.ModelFixtures;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The AdmissionReview wire format: the response echoes the request's uid and carries the decision. */
class AdmissionReviewerTest {

    final AdmissionRulesTest.FakeCluster cluster = new AdmissionRulesTest.FakeCluster();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AdmissionReviewer reviewer = new AdmissionReviewer(new AdmissionRules(ModelFixtures.settings()), cluster,
            ModelFixtures.SERIALIZATION, meters);

    static String request(String operation, String namespace, String modelFields) {
        return """
                {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                 "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002", "operation": "%s",
                   "namespace": "%s", "name": "qwen",
                   "kind": {"group": "llm.nebari.dev", "version": "v1alpha1", "kind": "LLMModel"},
                   "resource": {"group": "llm.nebari.dev", "version": "v1alpha1", "resource": "llmmodels"},
                   "object": {"apiVersion": "llm.nebari.dev/v1alpha1", "kind": "LLMModel",
                     "metadata": {"name": "qwen", "namespace": "%s"},
                     "spec": {"model": {"name": "Qwen/Qwen3-0.6B", %s}, "access": {"public": true}}}}}
                """.formatted(operation, namespace, namespace, modelFields);
    }

    AdmissionReview review(String json) {
        return ModelFixtures.SERIALIZATION.unmarshal(reviewer.review(json), AdmissionReview.class);
    }

    @Test
    void anAllowedRequestIsAnsweredWithItsUidAndWarnings() {
        var response = review(request("CREATE", "team-a", "\"storage\": {\"type\": \"emptyDir\"}"));

        assertThat(response.getApiVersion()).isEqualTo("admission.k8s.io/v1");
        assertThat(response.getKind()).isEqualTo("AdmissionReview");
        assertThat(response.getResponse().getUid()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(response.getResponse().getAllowed()).isTrue();
        assertThat(response.getResponse().getWarnings()).singleElement().asString().contains("emptyDir with preload");
    }

    @Test
    void aRejectionCarriesA403StatusWithTheMessage() {
        var response = review(request("CREATE", "sandbox", "\"storage\": {\"size\": \"1Gi\"}"));

        assertThat(response.getResponse().getAllowed()).isFalse();
        assertThat(response.getResponse().getStatus().getCode()).isEqualTo(403);
        assertThat(response.getResponse().getStatus().getMessage()).startsWith("namespace sandbox is not managed");
    }

    @Test
    void eachReviewIsTimedByItsResult() {
        review(request("CREATE", "team-a", "\"storage\": {\"type\": \"emptyDir\"}"));
        review(request("UPDATE", "team-a", "\"storage\": {\"type\": \"emptyDir\"}"));
        review(request("CREATE", "sandbox", "\"storage\": {\"size\": \"1Gi\"}"));

        assertThat(meters.get("nebari.webhook.reviews").tag("result", "allowed").timer().count()).isEqualTo(2);
        assertThat(meters.get("nebari.webhook.reviews").tag("result", "denied").timer().count()).isEqualTo(1);
        assertThat(meters.find("nebari.webhook.reviews").tag("result", "error").timer()).isNull();
    }

    @Test
    void somethingThatIsNotAnAdmissionReviewIsABadRequest() {
        assertThatThrownBy(() -> reviewer.review("{\"apiVersion\": \"v1\", \"kind\": \"Status\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request.uid");
        assertThatThrownBy(() -> reviewer.review("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
