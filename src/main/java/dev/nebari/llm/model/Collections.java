package dev.nebari.llm.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Immutable copies with a stable iteration order, so that rendering the same spec always yields the same bytes. */
final class Collections {

    private Collections() {
    }

    static <V> Map<String, V> sorted(@Nullable Map<String, V> map) {
        return map == null ? Map.of() : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }

    /** Keeps the author's order (free-form documents may contain null values, which Map.copyOf refuses). */
    static Map<String, Object> ordered(@Nullable Map<String, Object> map) {
        return map == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
