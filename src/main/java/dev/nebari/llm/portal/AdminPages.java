package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.ModelRef;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The admin pages for keys (members of {@code auth.adminGroups}; the filter chain refuses everyone else): every key,
 * found by any part of a user's name and by model, revoking any key, and bulk revocation by user or model with a
 * preview first. A form's mistakes are said next to that form, which keeps what was typed. The audit is
 * {@link AuditPage}.
 */
@Controller
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class AdminPages {

    static final String CHOOSE_MODEL = "Choose the model from the list.";
    private static final int SIMILAR_SHOWN = 10;

    private final ApiKeys keys;
    private final ModelCatalog models;
    private final Clock clock;

    AdminPages(ApiKeys keys, ModelCatalog models, ObjectProvider<Clock> clock) {
        this.keys = keys;
        this.models = models;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping({"/admin", "/admin/keys"})
    String keys(@RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String model, Model page,
            HttpServletResponse response) {
        return allKeys(page, user, model, new BulkForm("", "", null), response);
    }

    @PostMapping("/admin/keys/{clientId}/revoke")
    String revoke(Caller caller, @PathVariable String clientId, RedirectAttributes next) {
        var revoked = keys.revoke(PortalModel.clientId(clientId), actor(caller));
        next.addFlashAttribute("notice", "Key " + KeyName.of(revoked, clock.instant()).label() + " of "
                + revoked.owner().username() + " was revoked.");
        return "redirect:/admin/keys";
    }

    /**
     * Bulk revocation: without {@code confirm} this only previews (a dry run) which keys would go; the preview page
     * posts the same target again with {@code confirm}. A user is named exactly here: a part of a name must never
     * take other people's keys along (the preview of nobody suggests the names that contain it).
     */
    @PostMapping("/admin/keys/revoke")
    String revokeInBulk(Caller caller, @RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String model,
            @RequestParam(defaultValue = "false") boolean confirm, Model page, HttpServletResponse response, RedirectAttributes next) {
        var named = user.strip();
        if (named.isEmpty() == model.isBlank()) {
            return allKeys(page, "", "", new BulkForm(user, model, "Name exactly one user or one model to revoke keys in bulk."), response);
        }
        var ref = chosen(model);
        if (!model.isBlank() && ref == null) {
            return allKeys(page, "", "", new BulkForm(user, model, CHOOSE_MODEL), response);
        }
        var query = ref == null ? KeyQuery.all().withUser(named) : KeyQuery.forModel(ref);
        var affected = keys.revokeAll(query, actor(caller), !confirm);
        if (!confirm) {
            var now = clock.instant();
            page.addAttribute("keys", affected.stream().map(k -> KeyRow.of(k, now)).toList());
            page.addAttribute("user", named);
            page.addAttribute("model", model);
            page.addAttribute("similar", affected.isEmpty() && ref == null ? similarUsers(named) : List.of());
            return "admin-bulk-preview";
        }
        next.addFlashAttribute("notice", "Revoked " + affected.size() + (affected.size() == 1 ? " key" : " keys") + " of "
                + (ref == null ? "user " + named : "model " + ref) + ".");
        return "redirect:/admin/keys";
    }

    /** What the bulk form holds: as typed, and why it was refused. */
    record BulkForm(String user, String model, @Nullable String error) {
    }

    private String allKeys(Model page, String user, String model, BulkForm bulk, HttpServletResponse response) {
        page.addAttribute("user", user);
        page.addAttribute("model", model);
        page.addAttribute("modelRefs", modelRefs(models));
        page.addAttribute("bulkUser", bulk.user());
        page.addAttribute("bulkModel", bulk.model());
        page.addAttribute("bulkError", bulk.error());
        var ref = chosen(model);
        if (!model.isBlank() && ref == null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            page.addAttribute("filterError", CHOOSE_MODEL);
            page.addAttribute("keys", List.of());
            return "admin-keys";
        }
        if (bulk.error() != null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
        var query = ref == null ? KeyQuery.all() : KeyQuery.forModel(ref);
        var now = clock.instant();
        page.addAttribute("keys", keys.list(query.withUserMatching(user)).stream().map(k -> KeyRow.of(k, now)).toList());
        page.addAttribute("nothingFound", nothingFound(user.strip(), ref));
        return "admin-keys";
    }

    private static String nothingFound(String user, @Nullable ModelRef model) {
        if (user.isEmpty()) {
            return model == null ? "There are no keys yet." : "Model " + model + " has no keys.";
        }
        return "No keys for users matching “" + user + "”" + (model == null ? "" : " for model " + model) + ".";
    }

    /** The usernames that contain what was typed, for a bulk preview that found nobody by that exact name. */
    private List<String> similarUsers(String typed) {
        return keys.list(KeyQuery.all().withUserMatching(typed)).stream().map(k -> k.owner().username())
                .distinct().sorted().limit(SIMILAR_SHOWN).toList();
    }

    /** A model as the forms' lists name it; null for none or for one not written namespace/name. */
    static @Nullable ModelRef chosen(String model) {
        if (model.isBlank()) {
            return null;
        }
        try {
            return ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static List<String> modelRefs(ModelCatalog models) {
        var refs = new java.util.ArrayList<String>();
        models.all().forEach(m -> refs.add(m.getMetadata().getNamespace() + "/" + m.getMetadata().getName()));
        models.allProviders().forEach(p -> refs.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
        return List.copyOf(refs);
    }

    private static Actor actor(Caller caller) {
        return Actor.admin(caller.subject(), caller.username());
    }
}
