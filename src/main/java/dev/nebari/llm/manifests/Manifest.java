package dev.nebari.llm.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** One rendered object and its kind, known where it is rendered so that no one has to classify it again. */
public record Manifest(ChildKind kind, HasMetadata object) {

    static Manifest of(HasMetadata object) {
        return new Manifest(ChildKind.of(object), object);
    }
}
