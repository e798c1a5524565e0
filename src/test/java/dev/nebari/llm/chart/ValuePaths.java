package dev.nebari.llm.chart;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Dotted value paths ({@code platform.gateway.external.name}) over nested maps, as Helm's --set spells them. */
final class ValuePaths {

    private ValuePaths() {
    }

    /** Turns {@code {"a.b": 1, "a.c": 2}} into {@code {a: {b: 1, c: 2}}}. */
    static Map<String, Object> nest(Map<String, Object> flat) {
        var root = new LinkedHashMap<String, Object>();
        flat.forEach((path, value) -> {
            var parts = path.split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                var child = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                node = child;
            }
            node.put(parts[parts.length - 1], value);
        });
        return root;
    }

    /**
     * Every leaf of a values tree by path: scalars, lists and empty maps are leaves (a list is one value in Helm:
     * an override replaces it whole).
     */
    static Map<String, Object> leaves(Map<String, Object> tree) {
        var leaves = new TreeMap<String, Object>();
        collect("", tree, leaves);
        return leaves;
    }

    @SuppressWarnings("unchecked")
    private static void collect(String prefix, Map<String, Object> node, Map<String, Object> leaves) {
        node.forEach((key, value) -> {
            var path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> map && !map.isEmpty()) {
                collect(path, (Map<String, Object>) map, leaves);
            } else {
                leaves.put(path, value);
            }
        });
    }

    /** The value at a path, if every step exists. */
    static Optional<Object> at(Map<String, Object> tree, String path) {
        Object node = tree;
        for (var part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return Optional.empty();
            }
            node = map.get(part);
        }
        return Optional.ofNullable(node);
    }
}
