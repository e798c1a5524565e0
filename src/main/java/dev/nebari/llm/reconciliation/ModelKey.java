package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Identifies an LLMModel in the work queue. */
record ModelKey(String namespace, String name) implements Comparable<ModelKey> {

    static ModelKey of(HasMetadata model) {
        return new ModelKey(model.getMetadata().getNamespace(), model.getMetadata().getName());
    }

    @Override
    public int compareTo(ModelKey other) {
        var byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
