package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.IssuedKey;
import dev.nebari.llm.keys.KeyException;
import dev.nebari.llm.keys.KeyLifetime;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.MintRequest;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.platform.PackSettings;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
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
 * What every signed-in user may do: see the models they may use, list, rename and revoke their keys, create a key.
 * Forms post and redirect; a form refused is shown again with its mistake next to it and what was typed kept. A new
 * key reaches the page that shows it once as a flash attribute, and is never shown again. Keys about to expire are
 * listed on the first page with a one-click replacement.
 */
@Controller
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class UserPages {

    private final ApiKeys keys;
    private final ModelCatalog models;
    private final PackSettings.Keys rules;
    private final Clock clock;

    UserPages(ApiKeys keys, ModelCatalog models, PackSettings settings, ObjectProvider<Clock> clock) {
        this.keys = keys;
        this.models = models;
        this.rules = settings.keys();
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping({"/", "/models"})
    String models(Caller caller, Model page) {
        page.addAttribute("models", permitted(caller));
        // the first page after sign-in: keys about to expire are said here, each with a one-click replacement
        var now = clock.instant();
        page.addAttribute("expiring", keys.list(KeyQuery.ownedBy(caller.subject())
                .withExpiringBefore(now.plus(KeyName.WARN_BEFORE_EXPIRY))).stream().map(k -> KeyRow.of(k, now)).toList());
        return "models";
    }

    static final String CREATED = "/keys/created";

    @GetMapping("/keys")
    String keys(Caller caller, Model page) {
        var now = clock.instant();
        var rows = keys.list(KeyQuery.ownedBy(caller.subject())).stream().map(k -> KeyRow.of(k, now)).toList();
        page.addAttribute("keys", rows);
        page.addAttribute("expiring", rows.stream().filter(row -> row.name().expiringSoon()).toList());
        page.addAttribute("maxDescription", KeyMetadata.MAX_DESCRIPTION_LENGTH);
        return "keys";
    }

    /** A new description for one of the user's keys, from the small form on "My keys"; a refusal is said next to it. */
    @PostMapping("/keys/{clientId}/rename")
    String rename(Caller caller, @PathVariable String clientId, @RequestParam(defaultValue = "") String description,
            Model page, HttpServletResponse response, RedirectAttributes next) {
        try {
            var renamed = keys.rename(PortalModel.clientId(clientId), description.strip(), self(caller));
            next.addFlashAttribute("notice", "Renamed the key to " + KeyName.of(renamed, clock.instant()).label() + ".");
            return "redirect:/keys";
        } catch (KeyException.InvalidRequest refused) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            page.addAttribute("renamingKey", clientId);
            page.addAttribute("renameValue", description);
            page.addAttribute("renameError", refused.getMessage());
            return keys(caller, page);
        }
    }

    @GetMapping("/keys/new")
    String newKey(Caller caller, @RequestParam(required = false) @Nullable String model, Model page) {
        return keyForm(caller, page, model, "", null);
    }

    /**
     * Mints, then redirects to the page that shows the key (post/redirect/get): reloading that page never posts the
     * form again, so it never mints a second key. The value travels to that one page as a flash attribute (held in
     * the server-side session until that page renders, then dropped), never in a URL.
     */
    @PostMapping("/keys")
    String mint(Caller caller, @RequestParam(defaultValue = "") String model, @RequestParam(defaultValue = "") String description,
            @RequestParam(defaultValue = "") String lifetime, Model page, HttpServletResponse response, RedirectAttributes next) {
        try {
            var ref = ModelRef.parse(model);
            // a model that does not exist is told like one the user may not use (PortalModel.notAvailable)
            var target = card(ref).orElseThrow(() -> new KeyException.ModelAccessDenied(ref));
            var access = models.currentAccess(ref).orElseThrow(() -> new KeyException.ModelAccessDenied(ref));
            var issued = keys.mint(new MintRequest(owner(caller), caller.groups(), ref, access, description.strip(),
                    KeyLifetime.parse(lifetime)));
            return showOnce(issued, target, next);
        } catch (KeyException.ModelAccessDenied hidden) {
            response.setStatus(PortalModel.statusOf(hidden).value());
            return keyForm(caller, page, model, description, notAmongYours(model));
        } catch (IllegalArgumentException | KeyException e) {
            response.setStatus(PortalModel.statusOf(e).value());
            return keyForm(caller, page, model, description, e.getMessage());
        }
    }

    /**
     * The one-click replacement of a key about to expire: a new key like it (description, model, lifetime length),
     * shown once as a minted key is, with a button there that revokes the old key when the user has copied the new
     * one. Until then the old key keeps working. At the per-model cap, nothing is minted and the user is offered to
     * revoke the old key first.
     */
    @PostMapping("/keys/{clientId}/replace")
    String replace(Caller caller, @PathVariable String clientId, Model page, HttpServletResponse response,
            RedirectAttributes next) {
        var old = ownKey(caller, clientId);
        var target = card(old.model()).orElseThrow(() -> new KeyException.ModelAccessDenied(old.model()));
        var access = models.currentAccess(old.model()).orElseThrow(() -> new KeyException.ModelAccessDenied(old.model()));
        try {
            var issued = keys.mintReplacement(old, owner(caller), caller.groups(), access);
            next.addFlashAttribute("replaces", KeyName.of(old, clock.instant()));
            return showOnce(issued, target, next);
        } catch (KeyException.KeyLimitReached full) {
            response.setStatus(PortalModel.statusOf(full).value());
            page.addAttribute("status", response.getStatus());
            page.addAttribute("message", "You already have " + rules.maxPerUserPerModel() + " keys for model " + old.model()
                    + ", the most allowed, so a replacement cannot be created while the old key exists. Revoke the old "
                    + "key first; its replacement is then created at once.");
            page.addAttribute("revokeFirst", KeyName.of(old, clock.instant()));
            return "problem";
        }
    }

    /** Hands a minted key to the one page that shows it (post/redirect/get, see {@link #mint}). */
    private String showOnce(IssuedKey issued, ModelCard card, RedirectAttributes next) {
        next.addFlashAttribute("key", KeyRow.of(issued.key(), clock.instant()));
        next.addFlashAttribute("value", issued.secret().reveal());
        next.addFlashAttribute("card", card);
        return "redirect:" + CREATED;
    }

    /** The new key, shown this once; a reload (or any later visit) finds it gone and says so. */
    @GetMapping(CREATED)
    String created(Model page, HttpServletResponse response, RedirectAttributes next) {
        if (!page.containsAttribute("value")) {
            next.addFlashAttribute("notice", "A new key is shown only once, on the page right after you create it. "
                    + "If you did not copy it, revoke it and create another.");
            return "redirect:/keys";
        }
        // The value is in this response only: no caching by the browser or anything in between.
        response.setHeader("Cache-Control", "no-store");
        return "key-created";
    }

    /** A revocation cannot be undone: the key, named as on "My keys", and a button that really revokes it. */
    @GetMapping("/keys/{clientId}/revoke")
    String confirmRevoke(Caller caller, @PathVariable String clientId, @RequestParam(defaultValue = "false") boolean replace,
            Model page) {
        page.addAttribute("key", KeyRow.of(ownKey(caller, clientId), clock.instant()));
        page.addAttribute("replace", replace);
        return "key-revoke";
    }

    /** With {@code replace}: the key's replacement is minted right after (the cap left no room beside it). */
    @PostMapping("/keys/{clientId}/revoke")
    String revoke(Caller caller, @PathVariable String clientId, @RequestParam(defaultValue = "false") boolean replace,
            RedirectAttributes next) {
        var key = keys.revoke(PortalModel.clientId(clientId), self(caller));
        var revoked = KeyName.of(key, clock.instant());
        if (replace) {
            try {
                var target = card(key.model()).orElseThrow(() -> new KeyException.ModelAccessDenied(key.model()));
                var access = models.currentAccess(key.model()).orElseThrow(() -> new KeyException.ModelAccessDenied(key.model()));
                var issued = keys.mintReplacement(key, owner(caller), caller.groups(), access);
                next.addFlashAttribute("replaced", revoked.label());
                return showOnce(issued, target, next);
            } catch (KeyException refused) {
                next.addFlashAttribute("error", "Key " + revoked.label() + " was revoked, but its replacement could not be "
                        + "created. " + PortalModel.messageOf(refused) + " Create a new key instead.");
                return "redirect:/keys";
            }
        }
        next.addFlashAttribute("notice", "Key " + revoked.label() + " was revoked. Requests with it are refused within seconds.");
        return "redirect:/keys";
    }

    /** One of the caller's keys; someone else's answers like a missing one. */
    private ApiKey ownKey(Caller caller, String clientId) {
        return keys.find(PortalModel.clientId(clientId))
                .filter(found -> found.owner().subject().equals(caller.subject()))
                .orElseThrow(() -> new KeyException.NotKeyOwner(PortalModel.clientId(clientId)));
    }

    private static KeyOwner owner(Caller caller) {
        return new KeyOwner(caller.subject(), caller.username());
    }

    private String keyForm(Caller caller, Model page, @Nullable String model, String description, @Nullable String error) {
        var cards = permitted(caller);
        var offered = model != null && cards.stream().anyMatch(card -> card.ref().equals(model));
        page.addAttribute("models", cards);
        page.addAttribute("selectedModel", offered ? model : "");
        // A model was asked for but is not among the user's: preselecting another would let one click mint a key
        // the user did not ask for, so they choose, and learn why.
        var mustChoose = model != null && !model.isEmpty() && !offered;
        page.addAttribute("mustChoose", mustChoose);
        if (mustChoose && error == null) {
            error = notAmongYours(model);
        }
        page.addAttribute("description", description);
        page.addAttribute("maxDescription", KeyMetadata.MAX_DESCRIPTION_LENGTH);
        page.addAttribute("lifetimes", LifetimeChoices.offeredBy(rules));
        // the cap up front, with what the user holds of it per model, rather than only when it is hit
        page.addAttribute("maxPerModel", rules.maxPerUserPerModel());
        var held = keys.list(KeyQuery.ownedBy(caller.subject())).stream()
                .collect(Collectors.groupingBy(key -> key.model().toString(), Collectors.counting()));
        page.addAttribute("held", held);
        page.addAttribute("error", error);
        return "new-key";
    }

    /** A model asked for that is not among the user's: told like a missing one, with what to do instead. */
    private static String notAmongYours(String model) {
        return PortalModel.notAvailable(model) + " Choose one of your models below.";
    }

    /** The user acting on their own keys, even an admin: the admin pages are where admins act on others'. */
    private static Actor self(Caller caller) {
        return new Actor(caller.subject(), caller.username(), Actor.Role.USER);
    }

    /** The models and then the external providers the caller may use, as cards. */
    private List<ModelCard> permitted(Caller caller) {
        var cards = new java.util.ArrayList<ModelCard>();
        models.permittedTo(caller.groups()).stream().map(m -> ModelCard.of(m, models.trafficShare(m))).forEach(cards::add);
        models.providersPermittedTo(caller.groups()).stream().map(ModelCard::of).forEach(cards::add);
        return List.copyOf(cards);
    }

    /** The card of the model or external provider of that name, if there is one. */
    private java.util.Optional<ModelCard> card(ModelRef ref) {
        return models.find(ref).map(ModelCard::of).or(() -> models.findProvider(ref).map(ModelCard::of));
    }
}
