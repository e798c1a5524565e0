package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.AuditRecord;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.ModelRef;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The admin pages (members of {@code auth.adminGroups}; the filter chain refuses everyone else): every key with
 * filters, revoking any key, bulk revocation by user or model with a preview first, and the recent audit.
 */
@Controller
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class AdminPages {

    static final int AUDIT_SHOWN = 200;

    private final ApiKeys keys;
    private final ModelCatalog models;
    private final Clock clock;

    AdminPages(ApiKeys keys, ModelCatalog models, ObjectProvider<Clock> clock) {
        this.keys = keys;
        this.models = models;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping({"/admin", "/admin/keys"})
    String keys(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String model, Model page) {
        var now = clock.instant();
        page.addAttribute("keys", keys.list(query(user, model)).stream().map(k -> KeyRow.of(k, now)).toList());
        page.addAttribute("user", user);
        page.addAttribute("model", model);
        page.addAttribute("modelRefs", modelRefs());
        return "admin-keys";
    }

    @PostMapping("/admin/keys/{clientId}/revoke")
    String revoke(Caller caller, @PathVariable String clientId, RedirectAttributes next) {
        keys.revoke(PortalModel.clientId(clientId), actor(caller));
        next.addFlashAttribute("notice", "Key " + clientId + " was revoked.");
        return "redirect:/admin/keys";
    }

    /**
     * Bulk revocation: without {@code confirm} this only previews (a dry run) which keys would go; the preview page
     * posts the same target again with {@code confirm}.
     */
    @PostMapping("/admin/keys/revoke")
    String revokeInBulk(Caller caller, @RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String model,
            @RequestParam(defaultValue = "false") boolean confirm, Model page, RedirectAttributes next) {
        if (user.isBlank() == model.isBlank()) {
            next.addFlashAttribute("error", "Name exactly one user or one model to revoke keys in bulk.");
            return "redirect:/admin/keys";
        }
        var affected = keys.revokeAll(query(user, model), actor(caller), !confirm);
        if (!confirm) {
            var now = clock.instant();
            page.addAttribute("keys", affected.stream().map(k -> KeyRow.of(k, now)).toList());
            page.addAttribute("user", user);
            page.addAttribute("model", model);
            return "admin-bulk-preview";
        }
        next.addFlashAttribute("notice", "Revoked " + affected.size() + (affected.size() == 1 ? " key" : " keys") + " of "
                + (user.isBlank() ? "model " + model : "user " + user) + ".");
        return "redirect:/admin/keys";
    }

    @GetMapping("/admin/audit")
    String audit(Model page) {
        page.addAttribute("records", keys.recentAudit(AUDIT_SHOWN).stream().map(AuditRow::of).toList());
        return "admin-audit";
    }

    /** One row of the audit table, with the time formatted like the key tables. */
    record AuditRow(String at, String action, String clientId, String model, String owner, String actor, String reason) {
        static AuditRow of(AuditRecord record) {
            return new AuditRow(KeyRow.format(record.at()), record.action(), record.clientId(), record.model().toString(),
                    record.ownerUsername(), record.actorUsername() + " (" + record.actorRole().name().toLowerCase() + ")",
                    record.reason().map(r -> r.label()).or(record::refusal).orElse(""));
        }
    }

    private static KeyQuery query(String user, String model) {
        var query = model.isBlank() ? KeyQuery.all() : KeyQuery.forModel(ModelRef.parse(model));
        return query.withUser(user);
    }

    private List<String> modelRefs() {
        return models.all().stream().map(m -> m.getMetadata().getNamespace() + "/" + m.getMetadata().getName()).toList();
    }

    private static Actor actor(Caller caller) {
        return Actor.admin(caller.subject(), caller.username());
    }
}
