package dev.nebari.llm.portal;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.usage.GatewayUsage;
import dev.nebari.llm.usage.KeyUsage;
import dev.nebari.llm.usage.UsageReport;
import dev.nebari.llm.usage.UsageReport.Grouping;
import dev.nebari.llm.usage.UsageReport.Order;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Usage as the gateway counted it (docs/usage.md): "My usage" lists each of the user's keys with its last use and
 * tokens over the last day and 30 days, and the totals per model; admins see totals per model or per user,
 * sortable, and can download them as CSV.
 */
@Controller
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class UsagePages {

    /** One row: the key as every table names it, with its usage in words and numbers. */
    record UsageRow(KeyRow key, String lastUsed, KeyUsage usage) {
    }

    record TotalRow(String name, int keys, String lastUsed, KeyUsage usage) {
    }

    private final ApiKeys keys;
    private final GatewayUsage usage;
    private final Clock clock;

    UsagePages(ApiKeys keys, GatewayUsage usage, ObjectProvider<Clock> clock) {
        this.keys = keys;
        this.usage = usage;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping("/usage")
    String myUsage(Caller caller, Model page) {
        var now = clock.instant();
        var report = UsageReport.of(keys.list(KeyQuery.ownedBy(caller.subject())), usage.current());
        page.addAttribute("problem", report.snapshot().problem().orElse(null));
        page.addAttribute("rows", report.keys().stream().map(row -> new UsageRow(KeyRow.of(row.key(), now),
                lastUsed(row.usage(), now), row.usage())).toList());
        page.addAttribute("totals", totals(report.totals(Grouping.MODEL, Order.NAME), now));
        page.addAttribute("readAt", KeyName.format(report.snapshot().readAt()));
        return "usage";
    }

    @GetMapping("/admin/usage")
    String allUsage(@RequestParam(defaultValue = "model") String by, @RequestParam(defaultValue = "month") String sort,
            Model page) {
        var grouping = Grouping.parse(by);
        var order = Order.parse(sort);
        var report = UsageReport.of(keys.list(KeyQuery.all()), usage.current());
        page.addAttribute("problem", report.snapshot().problem().orElse(null));
        page.addAttribute("by", grouping.parameter());
        page.addAttribute("sort", order.parameter());
        page.addAttribute("totals", totals(report.totals(grouping, order), clock.instant()));
        page.addAttribute("readAt", KeyName.format(report.snapshot().readAt()));
        return "admin-usage";
    }

    @GetMapping("/admin/usage.csv")
    ResponseEntity<String> allUsageAsCsv(@RequestParam(defaultValue = "model") String by,
            @RequestParam(defaultValue = "month") String sort) {
        var grouping = Grouping.parse(by);
        var snapshot = usage.current();
        if (!snapshot.available()) {
            return ResponseEntity.status(503).contentType(MediaType.TEXT_PLAIN).body(snapshot.problem().orElseThrow() + "\n");
        }
        return UsageReport.csvDownload(grouping,
                UsageReport.of(keys.list(KeyQuery.all()), snapshot).totals(grouping, Order.parse(sort)));
    }

    private static List<TotalRow> totals(List<UsageReport.Total> totals, Instant now) {
        return totals.stream().map(t -> new TotalRow(t.name(), t.keys(), lastUsed(t.usage(), now), t.usage())).toList();
    }

    /** "never", "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
    static String lastUsed(KeyUsage usage, Instant now) {
        return usage.lastUsed().map(at -> ago(Duration.between(at, now))).orElse("not in 30 days");
    }

    private static String ago(Duration elapsed) {
        if (elapsed.toMinutes() < 2) {
            return "just now";
        }
        if (elapsed.toHours() < 2) {
            return elapsed.toMinutes() + " minutes ago";
        }
        if (elapsed.toDays() < 2) {
            return elapsed.toHours() + " hours ago";
        }
        return elapsed.toDays() + " days ago";
    }
}
