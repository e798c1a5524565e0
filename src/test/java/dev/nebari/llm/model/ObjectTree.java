package dev.nebari.llm.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A rendered object as the API server would see it (its JSON tree), with path look-ups such as
 * {@code spec.rules[0].matches}, so tests read typed and generic objects alike.
 */
public record ObjectTree(Map<String, Object> root) {

    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    @SuppressWarnings("unchecked")
    public static ObjectTree of(HasMetadata object) {
        return new ObjectTree(ModelFixtures.SERIALIZATION.convertValue(object, Map.class));
    }

    /** The value at the path, or null when any step is missing. */
    public @Nullable Object at(String path) {
        Object current = root;
        var matcher = STEP.matcher(path);
        while (matcher.find() && current != null) {
            if (matcher.group(1) != null) {
                current = current instanceof Map<?, ?> map ? map.get(matcher.group(1)) : null;
            } else {
                int index = Integer.parseInt(matcher.group(2));
                current = current instanceof List<?> list && index < list.size() ? list.get(index) : null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String path) {
        var value = at(path);
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }

    /** Whether a matchLabels selector selects an object with these labels. */
    public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return labels.entrySet().containsAll(selector.entrySet());
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String path) {
        var value = at(path);
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
