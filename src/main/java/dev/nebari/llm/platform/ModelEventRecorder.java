package dev.nebari.llm.platform;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.nebari.llm.model.ModelEventReason;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events on LLMModels, so {@code kubectl describe llmmodel} tells the model's story: the operator's
 * transitions and takeovers, the portal's key operations. Reasons are typed ({@link ModelEventReason}); each process
 * signs its Events with its own component and instance.
 *
 * <p>An Event is a courtesy: failing to record one is logged and never fails the reconcile or the key operation it
 * tells of. The operator records on its reconcile worker ({@link #record}); the portal in the background
 * ({@link #recordInBackground}), because a mint must not wait for its Event, and a bounded queue sheds Events under a
 * flood rather than growing without limit.
 */
public final class ModelEventRecorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelEventRecorder.class);
    /** RFC 3339 with exactly six fractional digits: the API server's MicroTime refuses other precisions. */
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);
    private static final int MAX_MESSAGE = 1000;
    private static final Duration UID_TTL = Duration.ofMinutes(1);

    private record ModelName(String namespace, String name) {
    }

    /** The object's kind too: a key may be for an LLMModel or an external provider (PassthroughModel). */
    private record KnownUid(@Nullable String uid, String kind, Instant read) {
    }

    private final @Nullable KubernetesClient client;
    private final String component;
    private final String instance;
    private final Clock clock;
    private final ThreadPoolExecutor background;
    private final Map<ModelName, KnownUid> uids = new ConcurrentHashMap<>();

    /**
     * @param component how the process names itself ({@code source.component} and {@code reportingComponent})
     * @param instance  which replica of it ({@code reportingInstance})
     */
    public ModelEventRecorder(@Nullable KubernetesClient client, String component, String instance, Clock clock) {
        this.client = client;
        this.component = component;
        this.instance = instance;
        this.clock = clock;
        this.background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
                Thread.ofVirtual().name("model-events").factory(),
                (task, executor) -> log.warn("dropping an Event on a model: the Event queue is full"));
    }

    /** Records nothing (unit tests without an API server). */
    public static ModelEventRecorder disabled() {
        return new ModelEventRecorder(null, "none", "none", Clock.systemUTC());
    }

    /** Records an Event on {@code model} now, on the caller's thread. */
    public void record(LLMModel model, ModelEventReason reason, String message) {
        if (client != null) {
            var meta = model.getMetadata();
            write(client, reference(meta.getNamespace(), meta.getName(), meta.getUid(), LLMModel.KIND), reason, message, clock.instant());
        }
    }

    /** Records an Event on an external provider now, on the caller's thread. */
    public void record(PassthroughModel provider, ModelEventReason reason, String message) {
        if (client != null) {
            var meta = provider.getMetadata();
            write(client, reference(meta.getNamespace(), meta.getName(), meta.getUid(), PassthroughModel.KIND), reason,
                    message, clock.instant());
        }
    }

    /**
     * Queues an Event on the model named {@code namespace/name} about something that happened {@code at}; the model's
     * uid (which {@code kubectl describe} matches Events by) is read when it is written, and is absent if the model is
     * gone.
     */
    public void recordInBackground(String namespace, String name, ModelEventReason reason, String message, Instant at) {
        if (client != null) {
            background.execute(() -> {
                try {
                    var known = uid(client, new ModelName(namespace, name));
                    write(client, reference(namespace, name, known.uid(), known.kind()), reason, message, at);
                } catch (RuntimeException e) {
                    // E.g. the client closed during shutdown; what the Event tells is recorded elsewhere too.
                    log.warn("could not record the {} Event on model {}/{}: {}", reason, namespace, name,
                            e.getClass().getSimpleName());
                }
            });
        }
    }

    private void write(KubernetesClient client, ObjectReference model, ModelEventReason reason, String message,
            Instant at) {
        var timestamp = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
        var event = new EventBuilder()
                .withNewMetadata()
                .withGenerateName(model.getName() + ".")
                .withNamespace(model.getNamespace())
                .endMetadata()
                .withInvolvedObject(model)
                .withType(reason.type().name())
                .withReason(reason.name())
                .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withEventTime(new MicroTime(MICRO_TIME.format(at)))
                .withCount(1)
                .withAction(reason.action())
                .withSource(new EventSourceBuilder().withComponent(component).build())
                .withReportingComponent(component)
                .withReportingInstance(instance)
                .build();
        try {
            client.v1().events().inNamespace(model.getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            log.warn("could not record the {} Event on model {}/{}: HTTP {} {}", reason, model.getNamespace(),
                    model.getName(), e.getCode(), e.getStatus() == null ? "" : e.getStatus().getMessage());
        }
    }

    private static ObjectReference reference(String namespace, String name, @Nullable String uid, String kind) {
        return new ObjectReferenceBuilder()
                .withApiVersion(LLMModel.API_VERSION)
                .withKind(kind)
                .withNamespace(namespace)
                .withName(name)
                .withUid(uid)
                .build();
    }

    /**
     * The uid and kind of the LLMModel, or else the external provider, of that name (admission keeps the two kinds'
     * names apart in a namespace), read at most once a minute per name.
     */
    private KnownUid uid(KubernetesClient client, ModelName model) {
        var known = uids.get(model);
        if (known != null && known.read().plus(UID_TTL).isAfter(clock.instant())) {
            return known;
        }
        HasMetadata current = client.resources(LLMModel.class).inNamespace(model.namespace()).withName(model.name()).get();
        var kind = LLMModel.KIND;
        if (current == null && ServedKinds.served(client, PassthroughModel.class)) {
            current = client.resources(PassthroughModel.class).inNamespace(model.namespace()).withName(model.name()).get();
            kind = current == null ? LLMModel.KIND : PassthroughModel.KIND;
        }
        var found = new KnownUid(current == null ? null : current.getMetadata().getUid(), kind, clock.instant());
        uids.put(model, found);
        return found;
    }

    /** Waits until the queued Events are written (tests, shutdown). */
    public boolean flush(Duration timeout) {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (background.getActiveCount() > 0 || !background.getQueue().isEmpty()) {
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
        background.shutdownNow();
    }
}
