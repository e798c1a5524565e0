package dev.nebari.llm.api;

import dev.nebari.llm.api.Representations.Key;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.usage.GatewayUsage;
import dev.nebari.llm.usage.KeyUsage;
import dev.nebari.llm.usage.TokenCounts;
import dev.nebari.llm.usage.UsageReport;
import dev.nebari.llm.usage.UsageReport.Grouping;
import dev.nebari.llm.usage.UsageReport.Order;
import dev.nebari.llm.usage.UsageSnapshot;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Usage per key as the gateway counted it (docs/usage.md): the caller's own keys, and for admins everyone's. */
@RestController
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
@RequestMapping(path = "/api/v1")
@Tag(name = "usage", description = "Tokens and last use per key, from the gateway's counts")
class UsageController {

    @Schema(description = "Tokens the gateway counted")
    record Tokens(long input, long output) {
        static Tokens of(TokenCounts counts) {
            return new Tokens(counts.input(), counts.output());
        }
    }

    record Usage(
            @Schema(description = "When the gateway last counted a request with it; absent when not within 30 days")
            @Nullable Instant lastUsed,
            @Schema(description = "The last 24 hours") Tokens lastDay,
            @Schema(description = "The last 30 days") Tokens last30Days) {
        static Usage of(KeyUsage usage) {
            return new Usage(usage.lastUsed().orElse(null), Tokens.of(usage.lastDay()), Tokens.of(usage.last30Days()));
        }
    }

    record KeyWithUsage(Key key, Usage usage) {
    }

    record Total(String name, int keys, Usage usage) {
        static Total of(UsageReport.Total total) {
            return new Total(total.name(), total.keys(), Usage.of(total.usage()));
        }
    }

    record MyUsage(Instant readAt, List<KeyWithUsage> keys, List<Total> models) {
    }

    record AllUsage(Instant readAt, String by, List<Total> totals) {
    }

    private final ApiKeys keys;
    private final GatewayUsage usage;

    UsageController(ApiKeys keys, GatewayUsage usage) {
        this.keys = keys;
        this.usage = usage;
    }

    @GetMapping(path = "/usage", produces = "application/json")
    @Operation(summary = "The caller's keys with their usage, and the totals per model")
    MyUsage myUsage(Caller caller) {
        var report = UsageReport.of(keys.list(KeyQuery.ownedBy(caller.subject())), read());
        return new MyUsage(report.snapshot().readAt(),
                report.keys().stream().map(row -> new KeyWithUsage(Key.of(row.key()), Usage.of(row.usage()))).toList(),
                report.totals(Grouping.MODEL, Order.NAME).stream().map(Total::of).toList());
    }

    @GetMapping(path = "/admin/usage", produces = {"application/json", "text/csv"})
    @Operation(summary = "Usage of every key summed per model or per user, sorted; as CSV with Accept: text/csv")
    ResponseEntity<?> allUsage(
            @Parameter(description = "model or user") @RequestParam(defaultValue = "model") String by,
            @Parameter(description = "name, keys, last-used, day or month (tokens, largest first)")
            @RequestParam(defaultValue = "month") String sort,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) @Nullable String accept) {
        var grouping = Grouping.parse(by);
        var report = UsageReport.of(keys.list(KeyQuery.all()), read());
        var totals = report.totals(grouping, Order.parse(sort));
        if (accept != null && accept.contains("text/csv")) {
            return UsageReport.csvDownload(grouping, totals);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(
                new AllUsage(report.snapshot().readAt(), grouping.parameter(), totals.stream().map(Total::of).toList()));
    }

    /** Usage that cannot be known is a 503 problem, never a table of zeros. */
    private UsageSnapshot read() {
        var snapshot = usage.current();
        if (!snapshot.available()) {
            throw new ApiProblem(ProblemType.USAGE_UNAVAILABLE, snapshot.problem().orElseThrow());
        }
        return snapshot;
    }
}
