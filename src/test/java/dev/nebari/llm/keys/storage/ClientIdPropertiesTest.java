package dev.nebari.llm.keys.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.testing.SeededInputs;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Client ids fit every place they appear, keep the allocator's order, and do not repeat. */
class ClientIdPropertiesTest {

    static final SecureRandom RANDOM = new SecureRandom();
    /** Counters from 1970 to beyond the year 3000 at 1,024 ids per millisecond. */
    static final long MAX_COUNTER = (1L << 55) - 1;

    static LongStream seeds() {
        return SeededInputs.seeds(300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyIdIsAValidSecretDataKeyAnnotationNameAndHeaderValue(long seed) {
        var inputs = new SeededInputs(seed);
        var counter = seed <= 2 ? (seed == 1 ? 0 : MAX_COUNTER) : inputs.between(0, MAX_COUNTER);
        var id = ClientIdAllocator.format(counter, RANDOM).value();

        assertThat(id.length()).isLessThanOrEqualTo(ClientId.MAX_LENGTH);
        assertThat(id).matches("[-._a-zA-Z0-9]+");                             // Secret data key
        assertThat(id).matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");   // annotation name part
        assertThat(KeySecretLayout.keyAnnotation(new ClientId(id)).length()).isLessThanOrEqualTo(253 + 1 + 63);
        assertThat(id).matches("[a-z0-9]+");                                   // header value, no quoting
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void idsSortLikeTheirCounters(long seed) {
        var inputs = new SeededInputs(seed);
        long a = inputs.between(0, MAX_COUNTER - 1);
        // neighbours too, where only the last digits differ
        long b = inputs.bool() ? inputs.between(0, MAX_COUNTER - 1) : Math.min(MAX_COUNTER - 1, a + inputs.between(0, 2));
        var idA = ClientIdAllocator.format(a, RANDOM);
        var idB = ClientIdAllocator.format(b, RANDOM);
        assertThat(Integer.signum(idA.value().substring(0, 12).compareTo(idB.value().substring(0, 12))))
                .isEqualTo(Long.signum(a - b));
    }

    @ParameterizedTest(name = "start {0}")
    @ValueSource(longs = {0, 1_000_000, 1L << 40, MAX_COUNTER - 100_000})
    void consecutiveCountersNeverRepeatAnId(long start) {
        var seen = new HashSet<ClientId>();
        for (long c = start; c < start + 10_000; c++) {
            assertThat(seen.add(ClientIdAllocator.format(c, RANDOM))).isTrue();
        }
    }
}
