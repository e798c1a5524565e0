package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Makes cached objects share their equal parts: every map and list in the contents of a generic object is replaced
 * by one immutable, compact instance per distinct value, and every string by its interned copy. Objects of 300
 * models repeat much of each other (the external SecurityPolicy of every model lists the key Secrets of every
 * model, 300 entries in each of 300 policies), and Jackson gives each of them its own tree of LinkedHashMaps: 47 of
 * the 75 MiB the reconciler's caches took for 300 models with keys (bench/memory/README.md).
 *
 * <p>Their metadata shares too ({@link #share}): the 19 objects of a model carry the same labels, owner reference and
 * namespace, and every object the same label and annotation keys; sharing them took 6.7 MB off the operator's 77 MB
 * of live data at 300 models and 3,000 keys (bench/scale, heap dumps before and after).
 *
 * <p>Shared parts must never be changed, so they are immutable: a write fails instead of changing other objects.
 * Map key order is not kept (nothing reads cached objects in order). A part is remembered only while some object
 * still holds it (weak references), so what deleted objects used goes with them.
 */
public final class ContentInterner {

    private final Map<Object, WeakReference<Object>> canonical = new WeakHashMap<>();

    /** Replaces the contents of {@code resource} (everything besides apiVersion, kind and metadata) by shared parts. */
    public void shareContent(GenericKubernetesResource resource) {
        var contents = resource.getAdditionalProperties();
        if (contents == null || contents.isEmpty()) {
            return;
        }
        var shared = new LinkedHashMap<String, Object>(HashMap.newHashMap(contents.size()));
        synchronized (this) {
            contents.forEach((field, value) -> shared.put(field, share(value)));
        }
        resource.setAdditionalProperties(shared);
    }

    /** Shares the contents ({@link #shareContent}) and the metadata of {@code resource}. */
    public void share(GenericKubernetesResource resource) {
        shareContent(resource);
        if (resource.getApiVersion() != null) {
            resource.setApiVersion(resource.getApiVersion().intern());
        }
        if (resource.getKind() != null) {
            resource.setKind(resource.getKind().intern());
        }
        var metadata = resource.getMetadata();
        if (metadata != null) {
            synchronized (this) {
                shareMetadata(metadata);
            }
        }
    }

    /**
     * Labels, finalizers and owner references become shared instances; annotations a compact map with shared keys
     * (their values, such as an applied hash, are mostly one per object); namespace, name and creation time shared
     * strings. The uid and resource version are one per object and stay as they are.
     */
    private void shareMetadata(ObjectMeta metadata) {
        metadata.setNamespace(intern(metadata.getNamespace()));
        metadata.setName(intern(metadata.getName()));
        metadata.setCreationTimestamp(intern(metadata.getCreationTimestamp()));
        if (metadata.getLabels() != null) {
            metadata.setLabels(castMap(share(metadata.getLabels())));
        }
        if (metadata.getAnnotations() != null) {
            metadata.setAnnotations(withSharedKeys(metadata.getAnnotations()));
        }
        if (metadata.getFinalizers() != null) {
            metadata.setFinalizers(castList(share(metadata.getFinalizers())));
        }
        var owners = metadata.getOwnerReferences();
        if (owners != null) {
            var shared = new ArrayList<OwnerReference>(owners.size());
            for (var owner : owners) {
                shared.add((OwnerReference) canonical(owner));
            }
            metadata.setOwnerReferences(castList(canonical(List.copyOf(shared))));
        }
        if (metadata.getAdditionalProperties() != null && metadata.getAdditionalProperties().isEmpty()) {
            // fabric8 gives every ObjectMeta its own empty LinkedHashMap for unknown fields
            metadata.setAdditionalProperties(Map.of());
        }
    }

    private static Map<String, String> withSharedKeys(Map<String, String> map) {
        var entries = HashMap.<String, String>newHashMap(map.size());
        var hasNull = false;
        for (var entry : map.entrySet()) {
            hasNull |= entry.getValue() == null;
            entries.put(entry.getKey().intern(), entry.getValue());
        }
        return hasNull ? Collections.unmodifiableMap(entries) : Map.copyOf(entries);
    }

    private static @Nullable String intern(@Nullable String value) {
        return value == null ? null : value.intern();
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> castMap(@Nullable Object map) {
        return (Map<String, V>) map;
    }

    @SuppressWarnings("unchecked")
    private static <E> List<E> castList(@Nullable Object list) {
        return (List<E>) list;
    }

    /** The shared instance equal to {@code value}: its parts shared first, then the whole. */
    synchronized @Nullable Object share(@Nullable Object value) {
        return switch (value) {
            case null -> null;
            case String string -> string.intern();
            case Map<?, ?> map -> canonical(sharedMap(map));
            case List<?> list -> canonical(sharedList(list));
            default -> value;
        };
    }

    private Map<?, ?> sharedMap(Map<?, ?> map) {
        var entries = new LinkedHashMap<Object, @Nullable Object>(HashMap.newHashMap(map.size()));
        var hasNull = false;
        for (var entry : map.entrySet()) {
            var value = share(entry.getValue());
            hasNull |= value == null;
            entries.put(share(entry.getKey()), value);
        }
        // Map.copyOf is about a third of a LinkedHashMap's size, but takes no null values (JSON may have them).
        return hasNull ? Collections.unmodifiableMap(entries) : Map.copyOf(entries);
    }

    private List<?> sharedList(List<?> list) {
        var elements = new ArrayList<@Nullable Object>(list.size());
        for (var element : list) {
            elements.add(share(element));
        }
        return elements.contains(null) ? Collections.unmodifiableList(elements) : List.copyOf(elements);
    }

    private Object canonical(Object value) {
        var known = canonical.get(value);
        var existing = known == null ? null : known.get();
        if (existing != null) {
            return existing;
        }
        canonical.put(value, new WeakReference<>(value));
        return value;
    }

    /** Distinct parts remembered (for tests). */
    synchronized int size() {
        return canonical.size();
    }
}
