package dev.nebari.llm.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.usage.UsageReport.Grouping;
import dev.nebari.llm.usage.UsageReport.Order;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Usage of keys summed per model and per user, sorted, and as CSV a spreadsheet opens safely. */
class UsageReportTest {

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    static ApiKey key(String clientId, String user, String model) {
        return new ApiKey(new ClientId(clientId), new KeyMetadata(new KeyOwner(user + "-sub", user), ModelRef.parse(model),
                "", NOW.minusSeconds(86_400), Optional.empty(), true, List.of(), "abcd"));
    }

    static KeyUsage used(long dayIn, long dayOut, long monthIn, long monthOut, Instant lastUsed) {
        return new KeyUsage(Optional.of(lastUsed), new TokenCounts(dayIn, dayOut), new TokenCounts(monthIn, monthOut));
    }

    final List<ApiKey> keys = List.of(
            key("k100000000000000", "alice", "ns/alpha"), key("k200000000000000", "alice", "ns/beta"), key("k300000000000000", "bob", "ns/alpha"), key("k400000000000000", "carol", "ns/beta"));
    final UsageSnapshot snapshot = new UsageSnapshot(NOW, Optional.empty(), Map.of(
            "k100000000000000", used(10, 20, 100, 200, NOW.minusSeconds(60)),
            "k200000000000000", used(1, 2, 1_000, 2_000, NOW.minusSeconds(7_200)),
            "k300000000000000", used(0, 0, 5, 5, NOW.minusSeconds(864_000)),
            "kuuuuuuuuuuuuuuu", used(9, 9, 9, 9, NOW)));

    @Test
    void aKeyTheGatewayNeverCountedUsedNothingAndUnknownClientIdsAreNobodys() {
        var report = UsageReport.of(keys, snapshot);
        assertThat(report.keys()).extracting(row -> row.key().clientId().value()).containsExactly("k100000000000000", "k200000000000000", "k300000000000000", "k400000000000000");
        assertThat(report.keys().get(3).usage()).isEqualTo(KeyUsage.NONE);
        assertThat(report.totals(Grouping.USER, Order.NAME)).extracting(UsageReport.Total::name)
                .containsExactly("alice", "bob", "carol");
    }

    @Test
    void totalsPerUserAddTheirKeysAndKeepTheLatestUse() {
        var alice = UsageReport.of(keys, snapshot).totals(Grouping.USER, Order.NAME).get(0);
        assertThat(alice.keys()).isEqualTo(2);
        assertThat(alice.usage().lastDay()).isEqualTo(new TokenCounts(11, 22));
        assertThat(alice.usage().last30Days()).isEqualTo(new TokenCounts(1_100, 2_200));
        assertThat(alice.usage().lastUsed()).contains(NOW.minusSeconds(60));
    }

    @Test
    void totalsSortByEachColumnLargestOrNewestFirst() {
        var report = UsageReport.of(keys, snapshot);
        assertThat(names(report.totals(Grouping.MODEL, Order.MONTH))).containsExactly("ns/beta", "ns/alpha");
        assertThat(names(report.totals(Grouping.MODEL, Order.DAY))).containsExactly("ns/alpha", "ns/beta");
        assertThat(names(report.totals(Grouping.USER, Order.LAST_USED))).containsExactly("alice", "bob", "carol");
        assertThat(names(report.totals(Grouping.USER, Order.KEYS))).containsExactly("alice", "bob", "carol");
        assertThat(names(report.totals(Grouping.USER, Order.parse("day")))).containsExactly("alice", "bob", "carol");
        assertThat(Order.parse("last-used")).isEqualTo(Order.LAST_USED);
        assertThat(Order.parse("nonsense")).as("an unknown column sorts by 30 days").isEqualTo(Order.MONTH);
    }

    @Test
    void csvHasAHeaderAndOneLinePerGroupAndDefusesFormulas() {
        var csv = UsageReport.csv(Grouping.USER, List.of(
                new UsageReport.Total("alice", 2, used(11, 22, 1_100, 2_200, NOW)),
                new UsageReport.Total("=HYPERLINK(\"x\")", 1, KeyUsage.NONE),
                new UsageReport.Total("a,b", 1, KeyUsage.NONE)));
        assertThat(csv.split("\r\n")).containsExactly(
                "user,keys,last_used,input_tokens_24h,output_tokens_24h,input_tokens_30d,output_tokens_30d",
                "alice,2,2026-12-06T10:00:00Z,11,22,1100,2200",
                "\"'=HYPERLINK(\"\"x\"\")\",1,,0,0,0,0",
                "\"a,b\",1,,0,0,0,0");
    }

    private static List<String> names(List<UsageReport.Total> totals) {
        return totals.stream().map(UsageReport.Total::name).toList();
    }
}
