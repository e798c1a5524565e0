package dev.nebari.llm.usage;

import dev.nebari.llm.keys.ApiKey;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Usage of a list of keys: per key, and summed per model or per user. Keys are per model and per owner, so a
 * model's (or a user's) usage is the sum over its keys.
 */
public record UsageReport(UsageSnapshot snapshot, List<KeyRow> keys) {

    public record KeyRow(ApiKey key, KeyUsage usage) {
    }

    /** A model's or a user's keys together. */
    public record Total(String name, int keys, KeyUsage usage) {
    }

    /** How a table of totals can be grouped. */
    public enum Grouping {
        MODEL, USER;

        public static Grouping parse(String text) {
            return "user".equalsIgnoreCase(text) ? USER : MODEL;
        }

        /** As the {@code by} parameter spells it: {@code model} or {@code user}. */
        public String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The columns a table of totals can be sorted by, largest (or newest) first except for the name. */
    public enum Order {
        NAME, KEYS, LAST_USED, DAY, MONTH;

        public static Order parse(String text) {
            for (var order : values()) {
                if (order.name().replace("_", "").equalsIgnoreCase(text.replace("-", "").replace("_", ""))) {
                    return order;
                }
            }
            return MONTH;
        }

        public String parameter() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static UsageReport of(List<ApiKey> keys, UsageSnapshot snapshot) {
        return new UsageReport(snapshot, keys.stream().map(key -> new KeyRow(key, snapshot.of(key.clientId()))).toList());
    }

    public UsageReport {
        keys = List.copyOf(keys);
    }

    public List<Total> totals(Grouping grouping, Order order) {
        Function<ApiKey, String> name = grouping == Grouping.USER
                ? key -> key.owner().username()
                : key -> key.model().toString();
        var sums = new TreeMap<String, Total>();
        for (var row : keys) {
            sums.merge(name.apply(row.key()), new Total(name.apply(row.key()), 1, row.usage()),
                    (a, b) -> new Total(a.name(), a.keys() + b.keys(), a.usage().plus(b.usage())));
        }
        return sums.values().stream().sorted(comparator(order)).toList();
    }

    private static Comparator<Total> comparator(Order order) {
        Comparator<Total> byName = Comparator.comparing(Total::name);
        return switch (order) {
            case NAME -> byName;
            case KEYS -> Comparator.comparingInt(Total::keys).reversed().thenComparing(byName);
            case LAST_USED -> Comparator.comparing((Total t) -> t.usage().lastUsed().map(i -> -i.toEpochMilli())
                    .orElse(Long.MAX_VALUE)).thenComparing(byName);
            case DAY -> Comparator.comparingLong((Total t) -> t.usage().lastDay().total()).reversed().thenComparing(byName);
            case MONTH -> Comparator.comparingLong((Total t) -> t.usage().last30Days().total()).reversed().thenComparing(byName);
        };
    }

    /** The totals as CSV (RFC 4180), for spreadsheets: one header line, then one line per model or user. */
    public static String csv(Grouping grouping, List<Total> totals) {
        var out = new StringBuilder(grouping == Grouping.USER ? "user" : "model")
                .append(",keys,last_used,input_tokens_24h,output_tokens_24h,input_tokens_30d,output_tokens_30d\r\n");
        for (var total : totals) {
            var usage = total.usage();
            out.append(csvField(total.name())).append(',').append(total.keys()).append(',')
                    .append(usage.lastUsed().map(Object::toString).orElse("")).append(',')
                    .append(usage.lastDay().input()).append(',').append(usage.lastDay().output()).append(',')
                    .append(usage.last30Days().input()).append(',').append(usage.last30Days().output()).append("\r\n");
        }
        return out.toString();
    }

    /** The totals as a CSV download ({@code usage-by-model.csv} or {@code usage-by-user.csv}), for portal and API alike. */
    public static ResponseEntity<String> csvDownload(Grouping grouping, List<Total> totals) {
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"usage-by-" + grouping.parameter() + ".csv\"")
                .body(csv(grouping, totals));
    }

    /** Quotes a field that needs it; a leading formula character is defused so a spreadsheet shows it as text. */
    static String csvField(String value) {
        var text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r") || !text.equals(value)) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
