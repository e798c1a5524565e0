package dev.nebari.llm.download.json;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parsed JSON object with typed, forgiving accessors: a member that is missing or of another type reads as
 * absent, so callers decide what a missing value means.
 */
public record JsonObject(Map<String, Object> members) {

    private static final JsonObject EMPTY = new JsonObject(Map.of());

    public JsonObject {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    public Optional<String> string(String name) {
        return members.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** An integral number that fits a {@code long}. */
    public OptionalLong integer(String name) {
        Object value = members.get(name);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return OptionalLong.of(((Number) value).longValue());
        }
        if (value instanceof BigInteger big && big.bitLength() < Long.SIZE) {
            return OptionalLong.of(big.longValue());
        }
        return OptionalLong.empty();
    }

    /** The member as an object; an empty object when it is missing or not an object. */
    public JsonObject object(String name) {
        return members.get(name) instanceof JsonObject o ? o : EMPTY;
    }

    /** The objects in an array member, skipping other items; empty when it is missing or not an array. */
    public List<JsonObject> objects(String name) {
        return members.get(name) instanceof List<?> items
                ? items.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList()
                : List.of();
    }

    /** The object members of this object, in document order. */
    public Map<String, JsonObject> objectMembers() {
        Map<String, JsonObject> result = new LinkedHashMap<>();
        members.forEach((name, value) -> {
            if (value instanceof JsonObject o) {
                result.put(name, o);
            }
        });
        return result;
    }
}
