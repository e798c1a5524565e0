package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Tells the echo of the operator's own writes apart from other changes. A watch event that carries exactly the
 * resource version one of our writes produced is that write's echo: the reconcile that wrote it already used the
 * API server's answer, so the echo must not queue the model again (without this, every created child and every
 * status write queued its model once more during a cold start, doubling the reconciles).
 *
 * <p>The watch often delivers the event before the writer has the response in hand, so an event for an object
 * with a write in flight is held until the write ends and then compared with the version the write produced.
 * An echo is recognised once and then forgotten. A resync replays an object with an unchanged version and is
 * never taken for an echo, so steady-state resyncs still reach the reconciler.
 */
final class OwnWrites {

    private record Held(String version, Runnable enqueue) {
    }

    /** The version our last write of each object produced, until its echo arrives. */
    private final Map<String, String> versions = new HashMap<>();
    /** Events held while a write of the same object is in flight. */
    private final Map<String, List<Held>> inFlight = new HashMap<>();

    /** Runs one write of {@code target} (create, apply, patch) and records the version it produced. */
    <T extends HasMetadata> T write(HasMetadata target, Supplier<T> write) {
        var identity = identity(target);
        synchronized (this) {
            inFlight.putIfAbsent(identity, new ArrayList<>());
        }
        T written = null;
        try {
            written = write.get();
            return written;
        } finally {
            settle(identity, written == null ? null : written.getMetadata().getResourceVersion());
        }
    }

    private void settle(String identity, @Nullable String version) {
        var run = new ArrayList<Runnable>();
        synchronized (this) {
            var held = inFlight.remove(identity);
            var echoed = false;
            for (var event : held == null ? List.<Held>of() : held) {
                if (version != null && version.equals(event.version())) {
                    echoed = true;
                } else {
                    run.add(event.enqueue());
                }
            }
            if (version != null && !echoed) {
                versions.put(identity, version);
            }
        }
        run.forEach(Runnable::run);
    }

    /**
     * An object was added or changed: runs {@code enqueue} unless the change is the echo of our write (now, or
     * when the write in flight ends).
     */
    void changed(@Nullable HasMetadata before, HasMetadata after, Runnable enqueue) {
        var version = after.getMetadata().getResourceVersion();
        if (version == null || before != null && Objects.equals(before.getMetadata().getResourceVersion(), version)) {
            enqueue.run(); // a resync replay
            return;
        }
        var identity = identity(after);
        synchronized (this) {
            var held = inFlight.get(identity);
            if (held != null) {
                held.add(new Held(version, enqueue));
                return;
            }
            if (versions.remove(identity, version)) {
                return;
            }
        }
        enqueue.run();
    }

    /** The object is gone: nothing of it can echo any more. */
    void deleted(HasMetadata gone, Runnable enqueue) {
        synchronized (this) {
            versions.remove(identity(gone));
        }
        enqueue.run();
    }

    private static String identity(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
