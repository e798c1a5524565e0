package dev.nebari.llm.portal;

import dev.nebari.llm.platform.PackSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The lifetimes the create-key form offers: common ones up to {@code keys.maxTTL}, the default
 * ({@code keys.defaultTTL}, preselected), and "no expiry" when {@code keys.allowNoExpiry}. Values use the syntax
 * the keys module reads ({@code 30d}, {@code 12h}, {@code never}).
 */
final class LifetimeChoices {

    record Choice(String value, String label, boolean preselected) {
    }

    /** Short-lived keys too (hours, as the REST API accepts): for a demo, a workshop, a one-off job. */
    private static final List<Duration> COMMON = List.of(Duration.ofHours(1), Duration.ofHours(12), Duration.ofDays(1),
            Duration.ofDays(7), Duration.ofDays(30),
            Duration.ofDays(90), Duration.ofDays(180), Duration.ofDays(365));

    private LifetimeChoices() {
    }

    static List<Choice> offeredBy(PackSettings.Keys rules) {
        var durations = new ArrayList<>(COMMON.stream().filter(d -> d.compareTo(rules.maxTTL()) <= 0).toList());
        if (!durations.contains(rules.defaultTTL())) {
            durations.add(rules.defaultTTL());
        }
        if (!durations.contains(rules.maxTTL())) {
            durations.add(rules.maxTTL());
        }
        durations.sort(Duration::compareTo);
        var choices = new ArrayList<Choice>();
        for (var duration : durations) {
            var preselected = duration.equals(rules.defaultTTL());
            choices.add(new Choice(value(duration), label(duration) + (preselected ? " (default)" : ""), preselected));
        }
        if (rules.allowNoExpiry()) {
            choices.add(new Choice("never", "No expiry", false));
        }
        return List.copyOf(choices);
    }

    /** Whole days as {@code Nd}, anything else as whole hours {@code Nh} (rounded down, so never above maxTTL). */
    static String value(Duration duration) {
        if (duration.toSeconds() % Duration.ofDays(1).toSeconds() == 0) {
            return duration.toDays() + "d";
        }
        var hours = Math.max(1, duration.toHours());
        return hours + "h";
    }

    static String label(Duration duration) {
        if (duration.toSeconds() % Duration.ofDays(1).toSeconds() == 0) {
            var days = duration.toDays();
            return days == 1 ? "1 day" : days + " days";
        }
        var hours = Math.max(1, duration.toHours());
        return hours == 1 ? "1 hour" : hours + " hours";
    }
}
