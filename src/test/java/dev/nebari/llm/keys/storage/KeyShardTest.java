package dev.nebari.llm.keys.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.keys.ApiKeySecret;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.ModelRef;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure shard functions: a Secret's data holds only keys, and key and metadata change together. */
class KeyShardTest {

    static final ModelRef MODEL = new ModelRef("team-a", "llama");
    static final SecureRandom RANDOM = new SecureRandom();

    static KeyShard.Entry entry(long counter, String description) {
        var secret = ApiKeySecret.generate(RANDOM);
        var metadata = new KeyMetadata(new KeyOwner("sub", "ada"), MODEL, description, Instant.parse("2026-01-01T00:00:00Z"),
                Optional.of(Instant.parse("2026-04-01T00:00:00Z")), false, List.of("ml"), secret.displayHint());
        return new KeyShard.Entry(ClientIdAllocator.format(counter, RANDOM), secret, metadata, MetadataCodec.encode(metadata));
    }

    @Test
    void addingAndRemovingChangesDataAndMetadataTogetherAndKeepsOtherFields() {
        var empty = KeyShard.emptySecret("llm-api-keys", MODEL, 3);
        empty.getMetadata().getAnnotations().put("other.tool/note", "kept");
        var a = entry(1, "a");
        var b = entry(2, "b");

        var withTwo = KeyShard.of(KeyShard.of(empty).withChanges(List.of(a, b), Set.of()));
        var withOne = KeyShard.of(withTwo.withChanges(List.of(), Set.of(a.clientId())));

        assertThat(withTwo.secret().getData()).containsOnlyKeys(a.clientId().value(), b.clientId().value());
        assertThat(new String(Base64.getDecoder().decode(withTwo.secret().getData().get(a.clientId().value())),
                StandardCharsets.US_ASCII)).isEqualTo(a.secret().reveal());
        assertThat(withTwo.key(a.clientId())).hasValueSatisfying(k -> assertThat(k.metadata()).isEqualTo(a.metadata()));
        assertThat(withOne.credentialIds()).containsExactly(b.clientId().value());
        assertThat(withOne.keys()).extracting(k -> k.clientId()).containsExactly(b.clientId());
        assertThat(withOne.unpairedIds()).isEmpty();
        assertThat(withOne.secret().getMetadata().getAnnotations()).containsEntry("other.tool/note", "kept");
        assertThat(withOne.index()).isEqualTo(3);
        assertThat(withOne.model()).isEqualTo(MODEL);
    }

    @Test
    void aVersionDecodesOnlyTheKeysChangedSinceTheVersionItFollows() {
        var a = entry(1, "a");
        var b = entry(2, "b");
        var c = entry(3, "c");
        var first = KeyShard.of(KeyShard.of(KeyShard.emptySecret("ns", MODEL, 0)).withChanges(List.of(a, b, c), Set.of()));
        var parsedA = first.key(a.clientId()).orElseThrow();
        var renamedB = b.metadata().withDescription("b, renamed");
        var d = entry(4, "d");

        var next = KeyShard.of(first.withChanges(List.of(d), Set.of(c.clientId()),
                java.util.Map.of(b.clientId(), MetadataCodec.encode(renamedB))));
        next.follows(first);

        assertThat(next.key(a.clientId())).as("unchanged: the earlier version's key").containsSame(parsedA);
        assertThat(next.key(b.clientId())).hasValueSatisfying(k -> assertThat(k.metadata().description()).isEqualTo("b, renamed"));
        assertThat(next.key(d.clientId())).hasValueSatisfying(k -> assertThat(k.metadata()).isEqualTo(d.metadata()));
        assertThat(next.holds(c.clientId())).isFalse();
        assertThat(next.keys()).hasSize(3);
    }

    @Test
    void aVersionOfAnotherModelOrWithUnreadableMetadataReusesNothing() {
        var a = entry(1, "a");
        var b = entry(2, "b");
        var first = KeyShard.of(KeyShard.of(KeyShard.emptySecret("ns", MODEL, 0)).withChanges(List.of(a, b), Set.of()));
        first.keys();
        var moved = first.withChanges(List.of(), Set.of());
        moved.getMetadata().getAnnotations().put(KeySecretLayout.MODEL_ANNOTATION, "team-b/llama");
        moved.getMetadata().getAnnotations().put(KeySecretLayout.keyAnnotation(b.clientId()), "{not json");

        var next = KeyShard.of(moved);
        next.follows(first);

        assertThat(next.key(a.clientId())).hasValueSatisfying(k -> assertThat(k.metadata().model()).isEqualTo(new ModelRef("team-b", "llama")));
        assertThat(next.unreadable()).containsOnlyKeys(b.clientId());
    }

    @Test
    void metadataRoundTripsThroughItsAnnotation() {
        var e = entry(7, "notebook \"quoted\" ✓");
        assertThat(MetadataCodec.decode(e.metadataJson(), MODEL)).isEqualTo(e.metadata());
        assertThat(e.metadataJson()).doesNotContain(e.secret().reveal());
    }

    @Test
    void twoHundredKeysWithMaximalDescriptionsFitTheAnnotationBudget() {
        var entries = new java.util.ArrayList<KeyShard.Entry>();
        for (int i = 0; i < KeySecretLayout.MAX_KEYS_PER_SHARD; i++) {
            entries.add(entry(i, "é".repeat(KeyMetadata.MAX_DESCRIPTION_LENGTH)));
        }
        var full = KeyShard.of(KeyShard.of(KeyShard.emptySecret("ns", MODEL, 0)).withChanges(entries, Set.of()));

        assertThat(full.annotationBytes()).isLessThan(KeySecretLayout.MAX_ANNOTATION_BYTES);
        assertThat(KeyShard.fits(full.size() + 1, full.annotationBytes())).isFalse();
    }

    @Test
    void shardNamesAreReadableAndFallBackToAHashForVeryLongModelNames() {
        assertThat(KeySecretLayout.shardName(MODEL, 0)).isEqualTo("keys.team-a.llama.0");
        var longName = new ModelRef("team-a", "m".repeat(250));
        assertThat(KeySecretLayout.shardName(longName, 12)).matches("keys\\.[0-9a-f]{20}\\.12");
        assertThat(KeySecretLayout.shardLabels(longName, 0)).doesNotContainKey(KeySecretLayout.MODEL_LABEL)
                .containsKey(KeySecretLayout.MODEL_ID_LABEL);
    }

    @Test
    void clientIdsAreRecognised() {
        assertThat(ClientId.isValid(ClientIdAllocator.format(42, RANDOM).value())).isTrue();
        assertThat(ClientId.isValid("llm.nebari.dev/other")).isFalse();
    }
}
