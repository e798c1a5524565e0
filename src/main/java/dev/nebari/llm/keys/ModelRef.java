package dev.nebari.llm.keys;

import java.util.Objects;

/** The LLMModel a key is for. */
public record ModelRef(String namespace, String name) implements Comparable<ModelRef> {

    public ModelRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("model namespace and name must not be blank");
        }
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
