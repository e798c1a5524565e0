package dev.nebari.llm.keys;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/** An LLMModel by namespace and name: the model a key is for, and the operator's unit of work. */
public record ModelRef(String namespace, String name) implements Comparable<ModelRef> {

    public ModelRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("A model's namespace and name must not be blank.");
        }
    }

    public static ModelRef of(HasMetadata model) {
        return new ModelRef(model.getMetadata().getNamespace(), model.getMetadata().getName());
    }

    /** Reads {@code namespace/name}, the form in which people and forms name a model. */
    public static ModelRef parse(String text) {
        var slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0 || !text.strip().equals(text)) {
            throw new IllegalArgumentException("A model is named namespace/name, e.g. team-a/qwen3.");
        }
        return new ModelRef(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public int compareTo(ModelRef other) {
        var byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
