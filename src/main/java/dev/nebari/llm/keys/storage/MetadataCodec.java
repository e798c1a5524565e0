package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON form of a key's metadata in its annotation. Short field names keep 200 keys per shard well inside the
 * annotation budget; {@code v} lets a later version change the form. The model is not repeated per key: it is the
 * shard's.
 */
public final class MetadataCodec {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Stored(int v, String sub, String user, String desc, String created, @Nullable String expires, boolean pub,
            List<String> groups, String hint) {
    }

    private MetadataCodec() {
    }

    public static String encode(KeyMetadata metadata) {
        return JSON.writeValueAsString(new Stored(1, metadata.owner().subject(), metadata.owner().username(),
                metadata.description(), metadata.created().toString(),
                metadata.expires().map(Instant::toString).orElse(null), metadata.grantedByPublic(),
                metadata.grantingGroups(), metadata.displayHint()));
    }

    public static KeyMetadata decode(String json, ModelRef model) {
        var stored = JSON.readValue(json, Stored.class);
        return new KeyMetadata(new KeyOwner(stored.sub(), stored.user()), model, stored.desc(),
                Instant.parse(stored.created()), Optional.ofNullable(stored.expires()).map(Instant::parse),
                stored.pub(), stored.groups() == null ? List.of() : stored.groups(), stored.hint());
    }
}
