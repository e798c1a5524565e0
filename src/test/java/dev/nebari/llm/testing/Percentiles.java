package dev.nebari.llm.testing;

/** Nearest-rank percentiles of sorted measurements, the one definition every benchmark prints. */
public final class Percentiles {

    private Percentiles() {
    }

    /** The nearest-rank {@code percent} percentile (0-100; 100 is the maximum) of ascending values. */
    public static long of(long[] sorted, double percent) {
        return sorted[rank(sorted.length, percent)];
    }

    /** As {@link #of(long[], double)}, for fractional values. */
    public static double of(double[] sorted, double percent) {
        return sorted[rank(sorted.length, percent)];
    }

    private static int rank(int count, double percent) {
        if (count == 0) {
            throw new IllegalArgumentException("no values");
        }
        return Math.min(count - 1, Math.max(0, (int) Math.ceil(percent / 100.0 * count) - 1));
    }
}
