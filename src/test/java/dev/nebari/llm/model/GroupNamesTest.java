package dev.nebari.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.SeededInputs;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one rule for a group's spelling, over oddly written names: whatever an admin or an identity provider puts
 * around a group (slashes, blanks, both, repeated), it names the group inside, unchanged; and the rule is stable,
 * so a name that went through it once (the portal's groups, the JWT rule's values) goes through it again unchanged.
 */
public class GroupNamesTest {

    /** Edge characters as people type them around a name. */
    private static final String EDGES = "/ \t";

    static LongStream seeds() {
        return SeededInputs.seeds(500);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void slashesAndBlanksAroundAGroupAreNotPartOfIt(long seed) {
        var inputs = new SeededInputs(seed);
        var group = groupPath(inputs);
        var written = inputs.string(EDGES, 0, 3) + group + inputs.string(EDGES, 0, 3);

        assertThat(GroupNames.normalise(written)).as("'%s'", written).isEqualTo(group);
        assertThat(GroupNames.normalise(GroupNames.normalise(written))).isEqualTo(group);
        assertThat(GroupNames.normaliseAll(List.of(written, "/" + group, group + "/"))).containsExactly(group);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aNameOfEdgesAloneIsNoGroup(long seed) {
        var written = new SeededInputs(seed).string(EDGES, 0, 6);

        assertThat(GroupNames.normalise(written)).isEmpty();
        assertThat(GroupNames.normaliseAll(List.of(written))).isEmpty();
    }

    /**
     * A group the way people write it: 1-3 path parts with slashes and blanks around it, in any mix; sometimes
     * nothing but those.
     */
    public static String oddlyWrittenGroup(SeededInputs inputs) {
        var path = inputs.oneOf(true, true, true, false) ? groupPath(inputs) : "";
        return inputs.string(EDGES, 0, 3) + path + inputs.string(EDGES, 0, 3);
    }

    /**
     * A group's own name: 1-3 parts joined by slashes, each starting and ending with a character that is not a slash
     * or a blank, and possibly holding blanks, dots and letters outside ASCII inside.
     */
    static String groupPath(SeededInputs inputs) {
        return String.join("/", inputs.list(1, 3, () -> part(inputs)));
    }

    private static String part(SeededInputs inputs) {
        var letters = "abT-_.é";
        var inner = inputs.bool() ? inputs.string(letters + " ", 0, 6) : "";
        return inputs.string(letters, 1, 1) + inner + (inner.isEmpty() ? "" : inputs.string(letters, 1, 1));
    }
}
