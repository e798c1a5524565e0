package dev.nebari.llm.reconciliation;

import dev.nebari.llm.model.LLMModel;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on an LLMModel, so {@code kubectl describe llm} tells the story of transitions and
 * errors. Events are emitted on transitions only, never in steady state.
 */
final class ModelEvents {

    private static final Logger log = LoggerFactory.getLogger(ModelEvents.class);
    static final String COMPONENT = "nebari-llm-serving";

    enum Type { Normal, Warning }

    /** RFC 3339 with exactly six fractional digits: the API server's MicroTime refuses other precisions. */
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(java.time.ZoneOffset.UTC);

    private final KubernetesClient client;
    private final String instance;
    private final Clock clock;

    ModelEvents(KubernetesClient client, String instance, Clock clock) {
        this.client = client;
        this.instance = instance;
        this.clock = clock;
    }

    void record(LLMModel model, Type type, String reason, String message) {
        var now = Instant.now(clock);
        var timestamp = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        var event = new EventBuilder()
                .withNewMetadata()
                .withGenerateName(model.getMetadata().getName() + ".")
                .withNamespace(model.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(LLMModel.API_VERSION)
                        .withKind(LLMModel.KIND)
                        .withNamespace(model.getMetadata().getNamespace())
                        .withName(model.getMetadata().getName())
                        .withUid(model.getMetadata().getUid())
                        .build())
                .withType(type.name())
                .withReason(reason)
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .withCount(1)
                .withAction("Reconcile")
                .withSource(new EventSourceBuilder().withComponent(COMPONENT).build())
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .build();
        try {
            client.v1().events().inNamespace(model.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            // An Event is a courtesy; failing to record one must not fail the reconcile.
            log.warn("could not record event {} on {}/{}: {}", reason, model.getMetadata().getNamespace(),
                    model.getMetadata().getName(), e.getMessage());
        }
    }
}
