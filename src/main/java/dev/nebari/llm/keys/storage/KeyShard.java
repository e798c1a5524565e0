package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.ApiKeySecret;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.ModelRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard Secret read as keys: pure functions from a Secret to its keys and from a Secret plus changes to the
 * next Secret. Never holds key values outside the Secret itself.
 */
public final class KeyShard {

    private static final Logger log = LoggerFactory.getLogger(KeyShard.class);

    /** A key about to be added: its id, value and encoded metadata. */
    public record Entry(ClientId clientId, ApiKeySecret secret, KeyMetadata metadata, String metadataJson) {

        /** Bytes this entry adds to the shard's annotations (key and value, as the API server counts them). */
        int annotationBytes() {
            return KeySecretLayout.keyAnnotation(clientId).length() + metadataJson.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public String toString() {
            return "Entry[" + clientId + "]";
        }
    }

    private final Secret secret;
    private final ModelRef model;
    private final int index;
    private final Set<String> dataKeys;
    private final int annotationBytes;
    /** Parsed on first use: the watch delivers every version, most of which nobody lists. */
    private volatile @Nullable Parsed parsed;
    /** What an earlier version of this shard parsed, reused for keys whose metadata is unchanged ({@link #follows}). */
    private volatile @Nullable Parsed earlier;

    /**
     * The readable keys, and the client ids whose metadata could not be read with the reason; {@code source} is the
     * Secret's annotations they were read from (the map itself, not a copy).
     */
    private record Parsed(ModelRef model, Map<String, String> source, Map<ClientId, ApiKey> keys,
            Map<ClientId, String> unreadable) {
    }

    private KeyShard(Secret secret) {
        this.secret = secret;
        var meta = secret.getMetadata();
        var annotations = annotations(secret);
        var labels = meta.getLabels() == null ? Map.<String, String>of() : meta.getLabels();
        this.model = KeySecretLayout.parseModel(annotations.getOrDefault(KeySecretLayout.MODEL_ANNOTATION, ""));
        this.index = Integer.parseInt(labels.getOrDefault(KeySecretLayout.SHARD_LABEL, "0"));
        this.dataKeys = secret.getData() == null ? Set.of() : Set.copyOf(secret.getData().keySet());
        var bytes = 0;
        for (var annotation : annotations.entrySet()) {
            bytes += annotation.getKey().length() + annotation.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        this.annotationBytes = bytes;
    }

    private static Map<String, String> annotations(Secret secret) {
        var annotations = secret.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    private Map<ClientId, ApiKey> parsedKeys() {
        return parsed().keys();
    }

    /**
     * Lets this version reuse what {@code before}, an earlier version of the same shard, has parsed: a key whose
     * metadata annotation is the same string is the same key, so only added and changed keys are decoded. The
     * portal parses every version its cache takes in (its index by owner), and decoding every key's metadata of a
     * shard at each of them was 7 % of its CPU while minting (bench/scale). Nothing is kept of {@code before} once
     * this version is parsed, so versions never chain.
     */
    void follows(KeyShard before) {
        if (parsed == null) {
            earlier = before.parsed;
        }
    }

    private Parsed parsed() {
        var result = parsed;
        if (result == null) {
            var reusable = earlier;
            if (reusable != null && !reusable.model().equals(model)) {
                reusable = null;
            }
            var annotations = annotations(secret);
            var byId = new TreeMap<ClientId, ApiKey>();
            var unreadable = new TreeMap<ClientId, String>();
            for (var annotation : annotations.entrySet()) {
                if (annotation.getKey().startsWith(KeySecretLayout.KEY_ANNOTATION_PREFIX)) {
                    var id = annotation.getKey().substring(KeySecretLayout.KEY_ANNOTATION_PREFIX.length());
                    if (ClientId.isValid(id)) {
                        var clientId = new ClientId(id);
                        var unchanged = reusable != null
                                && annotation.getValue().equals(reusable.source().get(annotation.getKey()));
                        var known = unchanged ? reusable.keys().get(clientId) : null;
                        if (known != null) {
                            byId.put(clientId, known);
                            continue;
                        }
                        try {
                            byId.put(clientId, new ApiKey(clientId, MetadataCodec.decode(annotation.getValue(), model)));
                        } catch (IllegalArgumentException e) {
                            // One bad entry (edited by hand, or a newer format) must not hide the others.
                            unreadable.put(clientId, e.getMessage());
                        }
                    }
                }
            }
            if (!unreadable.isEmpty()) {
                log.warn("key Secret {}/{}: the metadata of {} cannot be read, so these keys are neither listed nor "
                        + "swept when they expire; see docs/troubleshooting.md: {}", secret.getMetadata().getNamespace(),
                        name(), unreadable.keySet(), unreadable);
            }
            result = new Parsed(model, annotations, Collections.unmodifiableMap(byId),
                    Collections.unmodifiableMap(unreadable));
            parsed = result;
            earlier = null;
        }
        return result;
    }

    public static KeyShard of(Secret secret) {
        return new KeyShard(secret);
    }

    /** An empty shard Secret for a model, not yet created. */
    public static Secret emptySecret(String namespace, ModelRef model, int index) {
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(KeySecretLayout.shardName(model, index))
                        .withNamespace(namespace)
                        .withLabels(KeySecretLayout.shardLabels(model, index))
                        .withAnnotations(Map.of(KeySecretLayout.MODEL_ANNOTATION, model.namespace() + "/" + model.name()))
                        .build())
                .withType("Opaque")
                .withData(Map.of())
                .build();
    }

    public Secret secret() {
        return secret;
    }

    public String name() {
        return secret.getMetadata().getName();
    }

    public @Nullable String resourceVersion() {
        return secret.getMetadata().getResourceVersion();
    }

    public ModelRef model() {
        return model;
    }

    public int index() {
        return index;
    }

    public Collection<ApiKey> keys() {
        return parsedKeys().values();
    }

    public Optional<ApiKey> key(ClientId clientId) {
        return Optional.ofNullable(parsedKeys().get(clientId));
    }

    public boolean holds(ClientId clientId) {
        return dataKeys.contains(clientId.value()) || parsedKeys().containsKey(clientId);
    }

    /** The client ids the gateway sees: the Secret's data keys. */
    public Set<String> credentialIds() {
        return dataKeys;
    }

    public int size() {
        // Data entries and metadata annotations pair up in every version this code writes.
        return dataKeys.size();
    }

    public int annotationBytes() {
        return annotationBytes;
    }

    /** Whether {@code count} more keys using {@code bytes} more annotation bytes still fit. */
    public static boolean fits(int keys, int annotationBytes) {
        return keys <= KeySecretLayout.MAX_KEYS_PER_SHARD && annotationBytes <= KeySecretLayout.MAX_ANNOTATION_BYTES;
    }

    /**
     * The shard's Secret after adding and removing keys: data and metadata annotation change together, and every
     * other field (labels and annotations of other tools, the resourceVersion for the conflict check) is kept.
     */
    public Secret withChanges(List<Entry> additions, Set<ClientId> removals) {
        return withChanges(additions, removals, Map.of());
    }

    /**
     * As {@link #withChanges(List, Set)}, and with new metadata (JSON) for keys that stay: a key removed in the same
     * change stays removed.
     */
    public Secret withChanges(List<Entry> additions, Set<ClientId> removals, Map<ClientId, String> metadataUpdates) {
        var data = new LinkedHashMap<String, String>(secret.getData() == null ? Map.of() : secret.getData());
        var annotations = new LinkedHashMap<String, String>(
                secret.getMetadata().getAnnotations() == null ? Map.of() : secret.getMetadata().getAnnotations());
        for (var removed : removals) {
            data.remove(removed.value());
            annotations.remove(KeySecretLayout.keyAnnotation(removed));
        }
        metadataUpdates.forEach((clientId, json) -> annotations.computeIfPresent(KeySecretLayout.keyAnnotation(clientId),
                (annotation, old) -> json));
        var encoder = Base64.getEncoder();
        for (var added : additions) {
            data.put(added.clientId().value(),
                    encoder.encodeToString(added.secret().reveal().getBytes(StandardCharsets.US_ASCII)));
            annotations.put(KeySecretLayout.keyAnnotation(added.clientId()), added.metadataJson());
        }
        return new SecretBuilder(secret)
                .editMetadata().withAnnotations(annotations).endMetadata()
                .withData(data)
                .withStringData(null)
                .build();
    }

    /** Keys whose metadata annotation this version cannot read, with the reason; they stay in the Secret. */
    public Map<ClientId, String> unreadable() {
        return parsed().unreadable();
    }

    /** Client ids whose data entry and metadata annotation do not pair up; empty for every shard this code writes. */
    public Set<String> unpairedIds() {
        var annotated = parsedKeys().keySet().stream().map(ClientId::value).collect(Collectors.toSet());
        var unpaired = new java.util.TreeSet<String>();
        dataKeys.stream().filter(id -> !annotated.contains(id)).forEach(unpaired::add);
        annotated.stream().filter(id -> !dataKeys.contains(id)).forEach(unpaired::add);
        return unpaired;
    }

    @Override
    public String toString() {
        return "KeyShard[" + name() + ", " + size() + " keys]";
    }
}
