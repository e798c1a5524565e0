package dev.nebari.llm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Random test inputs from a seed, for parameterised tests that try many inputs: {@code @MethodSource} of
 * {@link #seeds(int)}, one {@code new SeededInputs(seed)} per case. The seed is in the test's name, so a failing case
 * is rerun exactly; the same seeds run every time, so a run never passes by luck where an earlier one failed.
 */
public final class SeededInputs {

    private final Random random;

    public SeededInputs(long seed) {
        this.random = new Random(seed);
    }

    /** Seeds 1..count. */
    public static LongStream seeds(int count) {
        return LongStream.rangeClosed(1, count);
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    /** Uniform in [min, max]. */
    public int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    /** Uniform in [min, max]. */
    public long between(long min, long max) {
        return min + (long) (random.nextDouble() * (max - min + 1.0));
    }

    @SafeVarargs
    public final <T> T oneOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    /** A string of {@code min..max} characters drawn from {@code chars}. */
    public String string(String chars, int min, int max) {
        var length = between(min, max);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(chars.charAt(random.nextInt(chars.length())));
        }
        return text.toString();
    }

    /** {@code null} with probability {@code p}, else a value. */
    public <T> T orNull(double p, Supplier<T> value) {
        return random.nextDouble() < p ? null : value.get();
    }

    public <T> List<T> list(int min, int max, Supplier<T> element) {
        var size = between(min, max);
        var list = new ArrayList<T>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.get());
        }
        return list;
    }
}
