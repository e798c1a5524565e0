package dev.nebari.llm.keys.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.keys.ClientId;
import java.security.SecureRandom;
import java.util.HashSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** Client ids fit every place they appear, keep the allocator's order, and do not repeat. */
class ClientIdPropertiesTest {

    static final SecureRandom RANDOM = new SecureRandom();
    /** Counters from 1970 to beyond the year 3000 at 1,024 ids per millisecond. */
    static final long MAX_COUNTER = (1L << 55) - 1;

    @Property
    void everyIdIsAValidSecretDataKeyAnnotationNameAndHeaderValue(@ForAll @LongRange(min = 0, max = MAX_COUNTER) long counter) {
        var id = ClientIdAllocator.format(counter, RANDOM).value();

        assertThat(id.length()).isLessThanOrEqualTo(ClientId.MAX_LENGTH);
        assertThat(id).matches("[-._a-zA-Z0-9]+");                             // Secret data key
        assertThat(id).matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");   // annotation name part
        assertThat(KeySecretLayout.keyAnnotation(new ClientId(id)).length()).isLessThanOrEqualTo(253 + 1 + 63);
        assertThat(id).matches("[a-z0-9]+");                                   // header value, no quoting
    }

    @Property
    void idsSortLikeTheirCounters(@ForAll @LongRange(min = 0, max = MAX_COUNTER - 1) long a,
            @ForAll @LongRange(min = 0, max = MAX_COUNTER - 1) long b) {
        var idA = ClientIdAllocator.format(a, RANDOM);
        var idB = ClientIdAllocator.format(b, RANDOM);
        assertThat(Integer.signum(idA.value().substring(0, 12).compareTo(idB.value().substring(0, 12))))
                .isEqualTo(Long.signum(a - b));
    }

    @Property(tries = 20)
    void consecutiveCountersNeverRepeatAnId(@ForAll @LongRange(min = 0, max = MAX_COUNTER - 100_000) long start) {
        var seen = new HashSet<ClientId>();
        for (long c = start; c < start + 10_000; c++) {
            assertThat(seen.add(ClientIdAllocator.format(c, RANDOM))).isTrue();
        }
    }
}
