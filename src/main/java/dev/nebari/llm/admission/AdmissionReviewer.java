package dev.nebari.llm.admission;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.HttpURLConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code admission.k8s.io/v1} AdmissionReview request into its response, applying {@link AdmissionRules}.
 * Each review is timed ({@code nebari_webhook_reviews_seconds} by {@code result}: allowed, denied, or error when the
 * API server could not be asked and the review failed closed).
 */
final class AdmissionReviewer {

    static final String API_VERSION = "admission.k8s.io/v1";
    static final String KIND = "AdmissionReview";

    private static final Logger log = LoggerFactory.getLogger(AdmissionReviewer.class);

    private final AdmissionRules rules;
    private final ClusterLookup cluster;
    private final KubernetesSerialization serialization;
    private final MeterRegistry meters;

    AdmissionReviewer(AdmissionRules rules, ClusterLookup cluster, KubernetesSerialization serialization,
            MeterRegistry meters) {
        this.rules = rules;
        this.cluster = cluster;
        this.serialization = serialization;
        this.meters = meters;
    }

    /** The response review for a JSON request review; throws IllegalArgumentException when it is not one. */
    String review(String requestJson) {
        AdmissionReview review;
        try {
            review = serialization.unmarshal(requestJson, AdmissionReview.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an AdmissionReview: " + e.getMessage(), e);
        }
        var request = review.getRequest();
        if (request == null || request.getUid() == null) {
            throw new IllegalArgumentException("AdmissionReview without request.uid");
        }
        return serialization.asJson(new AdmissionReviewBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withResponse(timed(request))
                .build());
    }

    private AdmissionResponse timed(AdmissionRequest request) {
        var sample = Timer.start(meters);
        var response = respond(request);
        var result = response.getAllowed() ? "allowed"
                : response.getStatus() != null && response.getStatus().getCode() == HttpURLConnection.HTTP_FORBIDDEN ? "denied" : "error";
        sample.stop(Timer.builder("nebari.webhook.reviews").description("LLMModel admission reviews by result")
                .tag("result", result).register(meters));
        return response;
    }

    private AdmissionResponse respond(AdmissionRequest request) {
        var response = new AdmissionResponseBuilder().withUid(request.getUid());
        if (!"CREATE".equals(request.getOperation()) && !"UPDATE".equals(request.getOperation())) {
            return response.withAllowed(true).build();
        }
        try {
            if (request.getKind() != null && PassthroughModel.KIND.equals(request.getKind().getKind())) {
                return decided(response, rules.decide(providerChange(request), cluster));
            }
            var model = serialization.convertValue(request.getObject(), LLMModel.class);
            var previous = request.getOldObject() == null ? null : serialization.convertValue(request.getOldObject(), LLMModel.class);
            // The request's namespace and name are authoritative; the object's may be empty in a hand-built review.
            if (model.getMetadata().getNamespace() == null) {
                model.getMetadata().setNamespace(request.getNamespace());
            }
            if (model.getMetadata().getName() == null) {
                model.getMetadata().setName(request.getName());
            }
            return decided(response, rules.decide(new ModelChange(model, previous), cluster));
        } catch (KubernetesClientException e) {
            // Fail closed, as the chart's failurePolicy does, but say why.
            log.warn("Cannot validate {} {}/{}: {}", kind(request), request.getNamespace(), request.getName(), e.getMessage());
            response.withAllowed(false).withStatus(new StatusBuilder().withCode(HttpURLConnection.HTTP_INTERNAL_ERROR)
                    .withReason("InternalError")
                    .withMessage("cannot validate the " + kind(request) + ", the API server did not answer: " + e.getMessage()).build());
        }
        return response.build();
    }

    private static AdmissionResponse decided(AdmissionResponseBuilder response, AdmissionDecision decision) {
        response.withAllowed(decision.allowed()).withWarnings(decision.warnings());
        if (!decision.allowed()) {
            response.withStatus(new StatusBuilder().withCode(HttpURLConnection.HTTP_FORBIDDEN)
                    .withReason("Forbidden").withMessage(decision.message()).build());
        }
        return response.build();
    }

    private ProviderChange providerChange(AdmissionRequest request) {
        var provider = serialization.convertValue(request.getObject(), PassthroughModel.class);
        var previous = request.getOldObject() == null ? null : serialization.convertValue(request.getOldObject(), PassthroughModel.class);
        if (provider.getMetadata().getNamespace() == null) {
            provider.getMetadata().setNamespace(request.getNamespace());
        }
        if (provider.getMetadata().getName() == null) {
            provider.getMetadata().setName(request.getName());
        }
        return new ProviderChange(provider, previous);
    }

    private static String kind(AdmissionRequest request) {
        return request.getKind() != null && request.getKind().getKind() != null ? request.getKind().getKind() : LLMModel.KIND;
    }
}
