package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/**
 * An informer handler for the common case: one action for an object that exists now (added, updated or
 * replayed by a resync) and one for an object that is gone.
 */
public record ChangeHandler<T extends HasMetadata>(Consumer<T> present, Consumer<T> gone)
        implements ResourceEventHandler<T> {

    /** The same action whatever happened (e.g. "queue the owning model"). */
    public static <T extends HasMetadata> ChangeHandler<T> onAnyChange(Consumer<T> action) {
        return new ChangeHandler<>(action, action);
    }

    /** An action for present objects only; deletions are ignored. */
    public static <T extends HasMetadata> ChangeHandler<T> whilePresent(Consumer<T> action) {
        return new ChangeHandler<>(action, object -> { });
    }

    @Override
    public void onAdd(T object) {
        present.accept(object);
    }

    @Override
    public void onUpdate(T before, T after) {
        present.accept(after);
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
        gone.accept(object);
    }
}
