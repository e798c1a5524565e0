package dev.nebari.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series the application exports, derived from the meters registered in src/main/java with
 * Micrometer's Prometheus naming (dots to underscores; timers add _seconds_count/_sum/_max, counters _total), and the
 * metric names a PromQL query uses. The Grafana dashboard and the chart's alerts are checked against them, so renaming
 * a meter fails a test instead of silently emptying a panel or disarming an alert.
 */
public final class ExportedMetrics {

    private static final Pattern METER = Pattern.compile(
            "(Timer|Gauge|Counter|FunctionCounter|DistributionSummary)\\.builder\\(\"(nebari\\.[a-z.]+)\"");
    private static final Pattern METRIC_IN_QUERY = Pattern.compile("\\bnebari_[a-z_]+\\b");

    private ExportedMetrics() {
    }

    /** One meter of the code: its Micrometer type and dotted name. */
    public record Meter(String type, String name) {
        public String prometheusBase() {
            var base = name.replace('.', '_');
            return type.equals("Timer") ? base + "_seconds" : base;
        }

        public List<String> series() {
            var base = prometheusBase();
            return switch (type) {
                case "Timer", "DistributionSummary" -> List.of(base + "_count", base + "_sum", base + "_max");
                case "Counter", "FunctionCounter" -> List.of(base + "_total");
                default -> List.of(base);
            };
        }
    }

    /** Every meter built in the sources under {@code mainSources}. */
    public static List<Meter> meters(Path mainSources) {
        var meters = new ArrayList<Meter>();
        try (Stream<Path> files = Files.walk(mainSources)) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                var matcher = METER.matcher(Files.readString(file));
                while (matcher.find()) {
                    meters.add(new Meter(matcher.group(1), matcher.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(meters).as("meters registered in %s", mainSources).isNotEmpty();
        return meters;
    }

    /** Every series name those meters export. */
    public static Set<String> series(Path mainSources) {
        var names = new TreeSet<String>();
        meters(mainSources).forEach(m -> names.addAll(m.series()));
        return names;
    }

    /** The pack's metric names ({@code nebari_*}) a PromQL expression reads. */
    public static Set<String> usedBy(String query) {
        var found = new TreeSet<String>();
        var matcher = METRIC_IN_QUERY.matcher(query);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }
}
