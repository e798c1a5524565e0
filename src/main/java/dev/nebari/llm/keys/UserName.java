package dev.nebari.llm.keys;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a name an admin types is compared with usernames and subjects. Names are compared in Unicode NFC, so a name
 * typed with combining marks finds the same user; a space also matches a {@code +}, because a {@code +} typed
 * unencoded into a URL's query arrives as a space.
 */
final class UserName {

    private UserName() {
    }

    /** The name itself: what a bulk revocation needs, so a part of a name never takes other people's keys along. */
    static Predicate<String> exactly(String typed) {
        var spellings = spellings(typed);
        return name -> spellings.contains(nfc(name));
    }

    /** Any part of the name, in any case: what finding people needs ("alice" finds Alice@example.com). */
    static Predicate<String> matching(String typed) {
        var parts = spellings(typed).stream().map(UserName::folded).collect(Collectors.toUnmodifiableSet());
        return name -> {
            var candidate = folded(nfc(name));
            return parts.stream().anyMatch(candidate::contains);
        };
    }

    private static Set<String> spellings(String typed) {
        var normalised = nfc(typed);
        return Stream.of(normalised, normalised.replace(' ', '+')).collect(Collectors.toUnmodifiableSet());
    }

    private static String folded(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String nfc(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC);
    }
}
