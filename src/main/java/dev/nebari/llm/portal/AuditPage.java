package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.AuditQuery;
import dev.nebari.llm.keys.AuditRecord;
import dev.nebari.llm.keys.KeyException;
import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The admin's audit page: recent key operations of every replica, filtered by user, model, what happened and days.
 * The filter is a GET form, so a filtered view is a URL an admin can share; the admin API filters alike.
 */
@Controller
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class AuditPage {

    static final int AUDIT_SHOWN = 200;

    private final ApiKeys keys;
    private final ModelCatalog models;

    AuditPage(ApiKeys keys, ModelCatalog models) {
        this.keys = keys;
        this.models = models;
    }

    /** One choice of the "What" filter. */
    record ActionChoice(String value, String label) {
        static ActionChoice of(AuditQuery.Action action) {
            return new ActionChoice(action.value(), switch (action) {
                case REVOKED -> "revoked (any)";
                case REVOKED_ONE -> "revoked: one key";
                case REVOKED_IN_BULK -> "revoked: in bulk";
                default -> action.value();
            });
        }
    }

    @GetMapping("/admin/audit")
    String audit(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String model,
            @RequestParam(defaultValue = "") String action, @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to, Model page, HttpServletResponse response) {
        page.addAttribute("user", user);
        page.addAttribute("model", model);
        page.addAttribute("action", action);
        page.addAttribute("from", from);
        page.addAttribute("to", to);
        page.addAttribute("modelRefs", AdminPages.modelRefs(models));
        page.addAttribute("actions", Arrays.stream(AuditQuery.Action.values()).map(ActionChoice::of).toList());
        page.addAttribute("shown", AUDIT_SHOWN);
        page.addAttribute("filtered", Stream.of(user, model, action, from, to).anyMatch(v -> !v.isBlank()));
        List<AuditRow> records = List.of();
        try {
            records = keys.recentAudit(query(user, model, action, from, to), AUDIT_SHOWN).stream().map(AuditRow::of).toList();
        } catch (IllegalArgumentException refused) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            page.addAttribute("filterError", refused.getMessage());
        }
        page.addAttribute("records", records);
        return "admin-audit";
    }

    private static AuditQuery query(String user, String model, String action, String from, String to) {
        var query = AuditQuery.all().withUser(user).between(day("From", from), day("To", to));
        if (!model.isBlank()) {
            var ref = AdminPages.chosen(model);
            if (ref == null) {
                throw new IllegalArgumentException(AdminPages.CHOOSE_MODEL);
            }
            query = query.withModel(ref);
        }
        if (action.isBlank()) {
            return query;
        }
        try {
            return query.withAction(AuditQuery.Action.parse(action));
        } catch (KeyException.InvalidRequest e) {
            throw new IllegalArgumentException("Choose what happened from the list.");
        }
    }

    private static Optional<LocalDate> day(String field, String value) {
        if (value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value.strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a day such as 2026-03-01.");
        }
    }

    /**
     * One row of the audit table: the key named as everywhere else (empty for a refused mint, and for records older
     * than the audit's naming of keys, which show only the client id), and whether a revocation was of one key or in
     * bulk, and which bulk.
     */
    record AuditRow(String at, String what, @Nullable KeyName key, String clientId, String model, String owner,
            String actor, String reason) {
        static AuditRow of(AuditRecord record) {
            var what = !record.action().equals(AuditRecord.REVOKED) ? record.action()
                    : record.bulk().map(scope -> "revoked in bulk: " + scope.describe()).orElse("revoked (one key)");
            return new AuditRow(KeyName.format(record.at()), what, KeyName.of(record).orElse(null), record.clientId(),
                    record.model().toString(), record.ownerUsername(),
                    record.actorUsername() + " (" + record.actorRole().name().toLowerCase() + ")",
                    record.reason().map(r -> r.label()).or(record::refusal).orElse(""));
        }
    }
}
