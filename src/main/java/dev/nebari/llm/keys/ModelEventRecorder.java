package dev.nebari.llm.keys;

import dev.nebari.llm.model.LLMModel;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit records as core/v1 Events on the LLMModel, in the background: a mint must not wait for its Event,
 * and an unavailable events API must not fail a mint (the JSON audit line is already written). A bounded queue
 * sheds Events under a flood rather than growing without limit.
 */
final class ModelEventRecorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelEventRecorder.class);
    static final String COMPONENT = "nebari-llm-serving/keys";
    private static final Duration UID_TTL = Duration.ofMinutes(1);

    private record KnownUid(@Nullable String uid, Instant read) {
    }

    private final @Nullable KubernetesClient client;
    private final Clock clock;
    private final String instance;
    private final ThreadPoolExecutor worker;
    private final Map<ModelRef, KnownUid> uids = new ConcurrentHashMap<>();

    ModelEventRecorder(@Nullable KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
                Thread.ofVirtual().name("key-events").factory(),
                (task, executor) -> log.warn("dropping a key audit Event: the Event queue is full"));
    }

    /** No Kubernetes Events (unit tests). */
    static ModelEventRecorder disabled() {
        return new ModelEventRecorder(null, Clock.systemUTC(), "test");
    }

    void record(AuditRecord record) {
        if (client != null) {
            worker.execute(() -> write(client, record));
        }
    }

    private void write(KubernetesClient client, AuditRecord record) {
        var model = record.model();
        var now = DateTimeFormatter.ISO_INSTANT.format(record.at());
        try {
            client.v1().events().inNamespace(model.namespace()).resource(new EventBuilder()
                            .withNewMetadata().withGenerateName(model.name() + ".key-").withNamespace(model.namespace()).endMetadata()
                            .withInvolvedObject(new ObjectReferenceBuilder()
                                    .withApiVersion(LLMModel.API_VERSION).withKind(LLMModel.KIND)
                                    .withNamespace(model.namespace()).withName(model.name())
                                    .withUid(uid(client, model))
                                    .build())
                            .withType("Normal")
                            .withReason(record.eventReason())
                            .withMessage(record.describe())
                            .withAction(record.action())
                            .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                            .withNewSource().withComponent(COMPONENT).endSource()
                            .withReportingComponent(COMPONENT)
                            .withReportingInstance(instance)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            log.warn("could not write the {} Event for model {}: HTTP {}", record.eventReason(), model, e.getCode());
        } catch (RuntimeException e) {
            // E.g. the client closed during shutdown; the audit line was written already.
            log.warn("could not write the {} Event for model {}: {}", record.eventReason(), model, e.getClass().getSimpleName());
        }
    }

    /** The model's uid, so {@code kubectl describe} finds the Event; absent if the model is gone. */
    private @Nullable String uid(KubernetesClient client, ModelRef model) {
        var known = uids.get(model);
        if (known != null && known.read().plus(UID_TTL).isAfter(clock.instant())) {
            return known.uid();
        }
        var current = client.resources(LLMModel.class).inNamespace(model.namespace()).withName(model.name()).get();
        var uid = current == null ? null : current.getMetadata().getUid();
        uids.put(model, new KnownUid(uid, clock.instant()));
        return uid;
    }

    /** Waits until queued Events are written (tests, shutdown). */
    boolean flush(Duration timeout) {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (worker.getActiveCount() > 0 || !worker.getQueue().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        flush(Duration.ofSeconds(5));
        worker.shutdownNow();
    }
}
