package dev.nebari.llm.serving;

import dev.nebari.llm.model.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A short hash of what makes the weights what they are: model id, revision, source, OCI image and storage type.
 * It is written on the pod template, so changing any of them rolls the pods and the init container fetches the
 * new weights (the downloader's completion manifest would otherwise declare the old files complete).
 * Anything else (vLLM args, resources) rolls the pods too, but must not count as a new model.
 */
public final class ModelIdentity {

    private ModelIdentity() {
    }

    public static String hash(ModelSpec model) {
        var identity = String.join("\n",
                model.name(),
                Objects.toString(model.revision(), ""),
                model.source().name(),
                Objects.toString(model.image(), ""),
                model.effectiveStorage().type().name());
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
