package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyException;
import dev.nebari.llm.keys.KeyLifetime;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.MintRequest;
import dev.nebari.llm.keys.ModelAccess;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.platform.PackSettings;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
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
 * What every signed-in user may do: see the models they may use, list and revoke their keys, create a key.
 * Forms post and redirect (the new key is the exception: it is rendered once, straight from the post, and never
 * stored in the session or shown again).
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
        page.addAttribute("models", permitted(caller).stream().map(ModelCard::of).toList());
        return "models";
    }

    @GetMapping("/keys")
    String keys(Caller caller, Model page) {
        var now = clock.instant();
        page.addAttribute("keys", keys.list(KeyQuery.ownedBy(caller.subject())).stream().map(k -> KeyRow.of(k, now)).toList());
        return "keys";
    }

    @GetMapping("/keys/new")
    String newKey(Caller caller, @RequestParam(required = false) @Nullable String model, Model page) {
        return keyForm(caller, page, model, "", null);
    }

    @PostMapping("/keys")
    String mint(Caller caller, @RequestParam(defaultValue = "") String model, @RequestParam(defaultValue = "") String description,
            @RequestParam(defaultValue = "") String lifetime, Model page, HttpServletResponse response) {
        try {
            var ref = ModelRef.parse(model);
            var target = models.find(ref).orElseThrow(() -> new KeyException.ModelAccessDenied(ref));
            var issued = keys.mint(new MintRequest(new KeyOwner(caller.subject(), caller.username()), caller.groups(), ref,
                    target.getSpec().access(), description.strip(), KeyLifetime.parse(lifetime)));
            // The value is in this response only: no caching by the browser or anything in between.
            response.setHeader("Cache-Control", "no-store");
            page.addAttribute("key", KeyRow.of(issued.key(), clock.instant()));
            page.addAttribute("value", issued.secret().reveal());
            page.addAttribute("card", ModelCard.of(target));
            return "key-created";
        } catch (IllegalArgumentException | KeyException e) {
            response.setStatus(PortalModel.statusOf(e).value());
            return keyForm(caller, page, model, description, e.getMessage());
        }
    }

    @PostMapping("/keys/{clientId}/revoke")
    String revoke(Caller caller, @PathVariable String clientId, RedirectAttributes next) {
        keys.revoke(PortalModel.clientId(clientId), new Actor(caller.subject(), caller.username(), Actor.Role.USER));
        next.addFlashAttribute("notice", "Key " + clientId + " was revoked. Requests with it are refused within seconds.");
        return "redirect:/keys";
    }

    private String keyForm(Caller caller, Model page, @Nullable String model, String description, @Nullable String error) {
        var cards = permitted(caller).stream().map(ModelCard::of).toList();
        var offered = model != null && cards.stream().anyMatch(card -> card.ref().equals(model));
        page.addAttribute("models", cards);
        page.addAttribute("selectedModel", offered ? model : "");
        // A model was asked for but is not among the user's: preselecting another would let one click mint a key
        // the user did not ask for, so they choose, and learn why.
        var mustChoose = model != null && !model.isEmpty() && !offered;
        page.addAttribute("mustChoose", mustChoose);
        if (mustChoose && error == null) {
            error = "The model " + model + " is not available to you: it does not exist, or your groups do not "
                    + "include it. Choose one of your models below.";
        }
        page.addAttribute("description", description);
        page.addAttribute("maxDescription", KeyMetadata.MAX_DESCRIPTION_LENGTH);
        page.addAttribute("lifetimes", LifetimeChoices.offeredBy(rules));
        page.addAttribute("error", error);
        return "new-key";
    }

    private List<LLMModel> permitted(Caller caller) {
        return models.all().stream().filter(m -> ModelAccess.permits(caller.groups(), m.getSpec().access())).toList();
    }
}
