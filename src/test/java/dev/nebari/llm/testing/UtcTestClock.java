package dev.nebari.llm.testing;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** What the tests' clocks share: they tell UTC and ignore a zone asked for, so every test reads the same time. */
abstract sealed class UtcTestClock extends Clock permits MutableClock, OffsetClock {

    @Override
    public final ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public final Clock withZone(ZoneId zone) {
        return this;
    }
}
