package dev.nebari.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfSortedValues() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertThat(Percentiles.of(hundred, 50)).isEqualTo(50);
        assertThat(Percentiles.of(hundred, 99)).isEqualTo(99);
        assertThat(Percentiles.of(hundred, 100)).as("the maximum").isEqualTo(100);
        assertThat(Percentiles.of(hundred, 0)).as("the minimum").isEqualTo(1);
        assertThat(Percentiles.of(new double[] {1.5, 2.5, 9.0}, 50)).isEqualTo(2.5);
        assertThat(Percentiles.of(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void noValuesHaveNoPercentile() {
        assertThatThrownBy(() -> Percentiles.of(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
    }
}
