package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds objects of third-party kinds that fabric8 has no model classes for (AIGatewayRoute, SecurityPolicy,
 * InferencePool, PodMonitor, ...) as {@link GenericKubernetesResource}s. Fields keep the order they are given
 * in, so the same input always serialises to the same bytes; absent (null) fields are left out instead of being
 * written as {@code null}, which server-side apply would read as "remove this field".
 */
public final class GenericResources {

    private GenericResources() {
    }

    public static GenericKubernetesResource resource(String apiVersion, String kind, ObjectMeta metadata,
                                                     Map<String, Object> spec) {
        var resource = new GenericKubernetesResource();
        resource.setApiVersion(apiVersion);
        resource.setKind(kind);
        resource.setMetadata(metadata);
        resource.setAdditionalProperty("spec", spec);
        return resource;
    }

    /** An ordered map from alternating keys and values; entries whose value is null are dropped. */
    public static Map<String, Object> fields(@Nullable Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields() takes key/value pairs");
        }
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            var key = (String) keysAndValues[i];
            var value = keysAndValues[i + 1];
            if (key == null) {
                throw new IllegalArgumentException("field names must not be null");
            }
            if (value != null) {
                map.put(key, value);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** The spec of a generic resource, for readers (tests, the reconciler's diff). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> spec(GenericKubernetesResource resource) {
        var spec = resource.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** A list that is null when empty, so optional list fields disappear from the object. */
    public static <T> @Nullable List<T> nonEmpty(List<T> list) {
        return list.isEmpty() ? null : List.copyOf(list);
    }
}
