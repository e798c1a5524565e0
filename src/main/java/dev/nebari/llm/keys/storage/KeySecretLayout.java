package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.ModelRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names, labels and annotations of the objects in the keys namespace; the one place that defines them.
 *
 * <p>A model's keys live in one or more <em>shard</em> Secrets (Opaque). Envoy Gateway's {@code apiKeyAuth}
 * (EG ≥ 1.3; docs/api-keys.md) treats every data entry of a credential Secret as client id → key, so
 * {@code data} holds nothing else. Each key's metadata is a JSON annotation on the same Secret, keyed by the client
 * id, so key and metadata are created and removed by one write. Shards keep each object well inside the API
 * server's limits (annotations ≤ 256 KiB in total, objects ≤ 1 MiB); a model gets another shard when its shards
 * are full.
 */
public final class KeySecretLayout {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PACK = "nebari-llm-serving";
    /** Component label value of credential shards: the gateway renderer selects on it. */
    public static final String CREDENTIALS_COMPONENT = "api-key-credentials";
    public static final String ALLOCATOR_COMPONENT = "api-key-client-ids";

    /** Model namespace and name, for people and for label selection when the name fits a label value. */
    public static final String MODEL_NAMESPACE_LABEL = "llm.nebari.dev/model-namespace";
    public static final String MODEL_LABEL = "llm.nebari.dev/model";
    /** A hash of namespace/name: always fits a label value, so selection works for any model name. */
    public static final String MODEL_ID_LABEL = "llm.nebari.dev/model-id";
    public static final String SHARD_LABEL = "llm.nebari.dev/key-shard";
    /** The authoritative model reference ({@code <namespace>/<name>}). */
    public static final String MODEL_ANNOTATION = "llm.nebari.dev/model-ref";
    /** Prefix of the per-key metadata annotations: {@code key.llm.nebari.dev/<client id>}. */
    public static final String KEY_ANNOTATION_PREFIX = "key.llm.nebari.dev/";

    /** The ConfigMap that holds the client-id high-water mark. */
    public static final String ALLOCATOR_NAME = "llm-api-key-client-ids";
    public static final String ALLOCATOR_NEXT = "next";

    /** Keys per shard: 200 keys of typical metadata (≈ 0.5 KiB each) stay far below the annotation limit. */
    public static final int MAX_KEYS_PER_SHARD = 200;
    /**
     * Annotation bytes a shard may use, counting every annotation (ours and other tools'). The API server's limit
     * is 256 KiB; the margin leaves room for tools that annotate Secrets.
     */
    public static final int MAX_ANNOTATION_BYTES = 200 * 1024;
    /** One key's metadata may not exceed this, so one key can never fill a shard. */
    public static final int MAX_METADATA_BYTES = 8 * 1024;

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_VALUE = 63;

    private KeySecretLayout() {
    }

    /**
     * {@code keys.<namespace>.<model>.<shard>}: readable in {@code kubectl get secrets}, and unambiguous because a
     * namespace has no dots and the shard index is the last segment. Very long model names fall back to a hash.
     */
    public static String shardName(ModelRef model, int shard) {
        var readable = "keys." + model.namespace() + "." + model.name() + "." + shard;
        return readable.length() <= MAX_NAME_LENGTH ? readable : "keys." + modelId(model) + "." + shard;
    }

    public static String modelId(ModelRef model) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest((model.namespace() + "/" + model.name()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static Map<String, String> shardLabels(ModelRef model, int shard) {
        var labels = new LinkedHashMap<String, String>();
        labels.put(MANAGED_BY, PACK);
        labels.put(PART_OF, PACK);
        labels.put(COMPONENT, CREDENTIALS_COMPONENT);
        labels.put(MODEL_NAMESPACE_LABEL, model.namespace());
        if (model.name().length() <= MAX_LABEL_VALUE) {
            labels.put(MODEL_LABEL, model.name());
        }
        labels.put(MODEL_ID_LABEL, modelId(model));
        labels.put(SHARD_LABEL, Integer.toString(shard));
        return labels;
    }

    public static String keyAnnotation(ClientId clientId) {
        return KEY_ANNOTATION_PREFIX + clientId.value();
    }

    public static ModelRef parseModel(String reference) {
        var slash = reference.indexOf('/');
        if (slash <= 0 || slash == reference.length() - 1) {
            throw new IllegalArgumentException("not a model reference: " + reference);
        }
        return new ModelRef(reference.substring(0, slash), reference.substring(slash + 1));
    }
}
