package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON form of a key's metadata in its annotation. Short field names keep 200 keys per shard well inside the
 * annotation budget; {@code v} lets a later version change the form. The model is not repeated per key: it is the
 * shard's.
 */
public final class MetadataCodec {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final int FORMAT = 1;

    record Stored(int v, String sub, String user, String desc, String created, @Nullable String expires, boolean pub,
            List<String> groups, String hint) {
    }

    private MetadataCodec() {
    }

    public static String encode(KeyMetadata metadata) {
        return JSON.writeValueAsString(new Stored(FORMAT, metadata.owner().subject(), metadata.owner().username(),
                metadata.description(), metadata.created().toString(),
                metadata.expires().map(Instant::toString).orElse(null), metadata.grantedByPublic(),
                metadata.grantingGroups(), metadata.displayHint()));
    }

    /**
     * Reads a key's metadata annotation.
     *
     * @throws IllegalArgumentException when the annotation is not metadata this version can read (edited by hand,
     *                                  or written by a newer version); the message says why, without the text
     */
    public static KeyMetadata decode(String json, ModelRef model) {
        Stored stored;
        try {
            var tree = JSON.readTree(json);
            // The version first: a newer format may change any field, and the reason should say so.
            var format = tree.path("v").asInt(0);
            if (format > FORMAT) {
                throw new IllegalArgumentException("written in format " + format + " by a newer version; this one reads "
                        + FORMAT);
            }
            stored = JSON.treeToValue(tree, Stored.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not the JSON object this version writes");
        }
        for (var required : new String[][] {{"sub", stored.sub()}, {"user", stored.user()}, {"created", stored.created()},
                {"hint", stored.hint()}}) {
            if (required[1] == null) {
                throw new IllegalArgumentException("the field '" + required[0] + "' is missing");
            }
        }
        try {
            return new KeyMetadata(new KeyOwner(stored.sub(), stored.user()), model,
                    stored.desc() == null ? "" : stored.desc(), Instant.parse(stored.created()),
                    Optional.ofNullable(stored.expires()).map(Instant::parse), stored.pub(),
                    stored.groups() == null ? List.of() : stored.groups(), stored.hint());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a field is invalid: " + e.getMessage());
        }
    }
}
