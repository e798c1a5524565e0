package dev.nebari.llm.api;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.api.Representations.Key;
import dev.nebari.llm.api.Representations.Me;
import dev.nebari.llm.api.Representations.MintKey;
import dev.nebari.llm.api.Representations.MintedKey;
import dev.nebari.llm.api.Representations.Model;
import dev.nebari.llm.api.Representations.RenameKey;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.IssuedKey;
import dev.nebari.llm.keys.KeyLifetime;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.MintRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** What every signed-in user may do: see themselves, the models they may use, and their own keys. */
@RestController
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
@RequestMapping(path = "/api/v1", produces = "application/json")
@Tag(name = "self-service", description = "The caller's identity, models and keys")
class SelfServiceController {

    /** A missing key and someone else's answer alike, so ids of other users' keys cannot be probed. */
    static final String NO_SUCH_KEY = "There is no key with that client id.";

    private final ApiKeys keys;
    private final ModelCatalog models;
    private final Clock clock;

    SelfServiceController(ApiKeys keys, ModelCatalog models, ObjectProvider<Clock> clock) {
        this.keys = keys;
        this.models = models;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping("/me")
    @Operation(summary = "Who the token says the caller is")
    Me me(Caller caller) {
        return Me.of(caller);
    }

    @GetMapping("/models")
    @Operation(summary = "The models the caller may use (public, or one of the caller's groups is allowed)")
    List<Model> models(Caller caller) {
        var listed = new java.util.ArrayList<Model>();
        models.permittedTo(caller.groups()).stream().map(model -> Model.of(model, models)).forEach(listed::add);
        models.providersPermittedTo(caller.groups()).stream().map(Model::of).forEach(listed::add);
        return List.copyOf(listed);
    }

    @GetMapping("/keys")
    @Operation(summary = "The caller's keys, newest first (never their values); with expiringWithinDays, only those that "
            + "expire within that many days (7 for the portal's reminder)")
    List<Key> myKeys(Caller caller, @RequestParam(required = false) @Min(1) @Max(3650) @Nullable Integer expiringWithinDays) {
        var query = KeyQuery.ownedBy(caller.subject());
        if (expiringWithinDays != null) {
            query = query.withExpiringBefore(clock.instant().plus(Duration.ofDays(expiringWithinDays)));
        }
        return keys.list(query).stream().map(Key::of).toList();
    }

    @GetMapping("/keys/{clientId}")
    @Operation(summary = "One of the caller's keys (the Location of a minted key); a key of someone else answers 404 like a missing one")
    Key myKey(Caller caller, @PathVariable String clientId) {
        return Key.of(ownKey(caller, clientId));
    }

    @PostMapping(path = "/keys", consumes = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Mint a key for a model the caller may use; the response is the only time its value is shown")
    ResponseEntity<MintedKey> mint(Caller caller, @Valid @RequestBody MintKey request) {
        var ref = request.model().ref();
        // an LLMModel or an external provider (PassthroughModel): keys for both are minted alike
        var access = models.currentAccess(ref).orElseThrow(() -> ApiProblem.modelNotAvailable(ref));
        var issued = keys.mint(new MintRequest(new KeyOwner(caller.subject(), caller.username()), caller.groups(), ref, access,
                Objects.requireNonNullElse(request.description(), ""), KeyLifetime.parse(request.lifetime())));
        return created(issued);
    }

    @PostMapping("/keys/{clientId}:replace")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Mint the replacement of one of the caller's keys: same model, description and lifetime length; "
            + "the old key keeps working until the caller revokes it (DELETE), once the new value is in place")
    ResponseEntity<MintedKey> replace(Caller caller, @PathVariable String clientId) {
        var old = ownKey(caller, clientId);
        var access = models.currentAccess(old.model())
                .orElseThrow(() -> ApiProblem.modelNotFound(old.model().namespace(), old.model().name()));
        return created(keys.mintReplacement(old, new KeyOwner(caller.subject(), caller.username()), caller.groups(), access));
    }

    /** The one answer that carries a key's value: 201 with its Location, never cached. */
    private static ResponseEntity<MintedKey> created(IssuedKey issued) {
        var body = new MintedKey(Key.of(issued.key()), issued.secret().reveal(), MintedKey.WARNING);
        return ResponseEntity.created(URI.create("/api/v1/keys/" + issued.clientId().value()))
                .header("Cache-Control", "no-store")
                .body(body);
    }

    @PatchMapping(path = "/keys/{clientId}", consumes = {"application/json", "application/merge-patch+json"})
    @Operation(summary = "Rename one of the caller's keys (a new description, checked as on mint); a key of someone else answers 404 like a missing one")
    Key rename(Caller caller, @PathVariable String clientId, @Valid @RequestBody RenameKey request) {
        return Key.of(keys.rename(parse(clientId), Objects.requireNonNull(request.description()), user(caller)));
    }

    @DeleteMapping("/keys/{clientId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke one of the caller's keys; a key of someone else answers 404 like a missing one")
    void revoke(Caller caller, @PathVariable String clientId) {
        keys.revoke(parse(clientId), user(caller));
    }

    /** The caller acting on their own keys, even an admin: the admin API is where admins act on others'. */
    private static Actor user(Caller caller) {
        return new Actor(caller.subject(), caller.username(), Actor.Role.USER);
    }

    /** One of the caller's keys; someone else's answers like a missing one. */
    private ApiKey ownKey(Caller caller, String clientId) {
        return keys.find(parse(clientId)).filter(key -> key.owner().subject().equals(caller.subject()))
                .orElseThrow(() -> new ApiProblem(ProblemType.KEY_NOT_FOUND, NO_SUCH_KEY));
    }

    /** A malformed id names no key: answer as for a missing one. */
    static ClientId parse(String clientId) {
        if (!ClientId.isValid(clientId)) {
            throw new ApiProblem(ProblemType.KEY_NOT_FOUND, NO_SUCH_KEY);
        }
        return new ClientId(clientId);
    }

}
