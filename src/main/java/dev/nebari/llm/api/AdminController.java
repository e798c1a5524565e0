package dev.nebari.llm.api;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.api.Representations.AdminModel;
import dev.nebari.llm.api.Representations.AuditEntry;
import dev.nebari.llm.api.Representations.BulkRevoke;
import dev.nebari.llm.api.Representations.BulkRevokeResult;
import dev.nebari.llm.api.Representations.ImportKey;
import dev.nebari.llm.api.Representations.Key;
import dev.nebari.llm.api.Representations.Model;
import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.Actor;
import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.AuditQuery;
import dev.nebari.llm.keys.KeyImport;
import dev.nebari.llm.keys.KeyLifetime;
import dev.nebari.llm.keys.KeyOwner;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.ProviderClaims;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin operations. The security chain admits only members of {@code auth.adminGroups} to {@code /api/v1/admin};
 * the actor passed to the keys module says the same, so the module's own checks agree.
 */
@RestController
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
@RequestMapping(path = "/api/v1/admin")
@Tag(name = "admin", description = "All keys, bulk revocation, models and audit (members of auth.adminGroups)")
class AdminController {

    private final ApiKeys keys;
    private final ModelCatalog models;
    private final ManifestPreview manifests;

    AdminController(ApiKeys keys, ModelCatalog models, ManifestPreview manifests) {
        this.keys = keys;
        this.models = models;
        this.manifests = manifests;
    }

    @GetMapping(path = "/keys", produces = "application/json")
    @Operation(summary = "All keys, newest first, optionally of users whose subject or username contains user (in any case) and/or of one model (namespace/name)")
    List<Key> keys(@Parameter(description = "any part of the owner's subject or username, in any case")
            @RequestParam(required = false) @Nullable String user,
            @Parameter(description = "namespace/name") @RequestParam(required = false) @Nullable String model) {
        var query = model == null || model.isBlank() ? KeyQuery.all() : KeyQuery.forModel(modelRef(model));
        return keys.list(user == null ? query : query.withUserMatching(user)).stream().map(Key::of).toList();
    }

    @DeleteMapping("/keys/{clientId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke any key")
    void revoke(Caller caller, @PathVariable String clientId) {
        keys.revoke(SelfServiceController.parse(clientId), actor(caller));
    }

    @PostMapping(path = "/keys:revoke", consumes = "application/json", produces = "application/json")
    @Operation(summary = "Revoke every key of a user or of a model; dryRun lists them without revoking")
    BulkRevokeResult revokeInBulk(Caller caller, @Valid @RequestBody BulkRevoke request) {
        var query = request.model() != null ? KeyQuery.forModel(request.model().ref())
                : KeyQuery.all().withUser(Objects.requireNonNull(request.user()));
        var affected = keys.revokeAll(query, actor(caller), request.onlyList());
        return new BulkRevokeResult(request.onlyList(), affected.size(), affected.stream().map(Key::of).toList());
    }

    @PostMapping(path = "/keys:import", consumes = "application/json", produces = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Store a key made by the predecessor pack for its owner, so its callers keep working (docs/migration.md)")
    Key importKey(Caller caller, @Valid @RequestBody ImportKey request) {
        var ref = request.model().ref();
        var access = models.currentAccess(ref).orElseThrow(() -> ApiProblem.modelNotFound(ref.namespace(), ref.name()));
        var imported = keys.importKey(new KeyImport(new KeyOwner(request.owner().subject(), request.owner().username()),
                ref, access, request.value(), Objects.requireNonNullElse(request.description(), ""),
                Optional.ofNullable(request.created()), KeyLifetime.parse(request.lifetime())), actor(caller));
        return Key.of(imported);
    }

    @GetMapping(path = "/models", produces = "application/json")
    @Operation(summary = "Every model with its status, access and number of keys")
    List<AdminModel> models() {
        Map<ModelRef, Long> counts = keys.list(KeyQuery.all()).stream()
                .collect(Collectors.groupingBy(ApiKey::model, Collectors.counting()));
        var all = new java.util.ArrayList<AdminModel>();
        for (var model : models.all()) {
            all.add(adminModel(Model.of(model, models), model.getSpec().access(), counts));
        }
        for (var provider : models.allProviders()) {
            all.add(adminModel(Model.of(provider), provider.getSpec().access(), counts));
        }
        return List.copyOf(all);
    }

    private static AdminModel adminModel(Model model, dev.nebari.llm.model.AccessSpec access, Map<ModelRef, Long> counts) {
        var ref = new ModelRef(model.namespace(), model.name());
        return new AdminModel(model, Boolean.TRUE.equals(access.isPublic()), access.groups(), counts.getOrDefault(ref, 0L).intValue());
    }

    @GetMapping(path = "/models/{namespace}/{name}/manifests", produces = {"application/yaml", "application/json"})
    @Operation(summary = "The objects the operator renders for a model or an external provider (YAML by default; JSON "
            + "with Accept: application/json or format=json)")
    ResponseEntity<String> manifests(@PathVariable String namespace, @PathVariable String name,
            @RequestParam(required = false) @Nullable String format,
            @RequestHeader(name = "Accept", required = false) @Nullable String accept) {
        var ref = new ModelRef(namespace, name);
        var rendered = models.find(ref).map(model -> manifests.of(model, models.revisionsOf(model)))
                .or(() -> models.findProvider(ref).map(provider -> manifests.of(provider, ProviderClaims.claimedElsewhere(
                        provider, models.all(), models.allProviders(), anyNamespace -> true))))
                .orElseThrow(() -> ApiProblem.modelNotFound(namespace, name));
        var json = "json".equals(format) || (format == null && accept != null && accept.contains("application/json"));
        return json ? ResponseEntity.ok().header("Content-Type", "application/json").body(manifests.asJson(rendered))
                : ResponseEntity.ok().header("Content-Type", "application/yaml").body(manifests.asYaml(rendered));
    }

    @GetMapping(path = "/audit", produces = "application/json")
    @Operation(summary = "Recent audited key operations, newest first, optionally filtered as on the portal's audit page")
    List<AuditEntry> audit(@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit,
            @Parameter(description = "any part of the owner's or the actor's subject or username, in any case")
            @RequestParam(required = false) @Nullable String user,
            @Parameter(description = "namespace/name") @RequestParam(required = false) @Nullable String model,
            @Parameter(description = "issued, imported, renamed, revoked, revoked-one, revoked-in-bulk, expired or refused")
            @RequestParam(required = false) @Nullable String action,
            @Parameter(description = "first day, yyyy-mm-dd (UTC)") @RequestParam(required = false) @Nullable String from,
            @Parameter(description = "last day, yyyy-mm-dd (UTC)") @RequestParam(required = false) @Nullable String to) {
        var query = AuditQuery.all().withUser(user == null ? "" : user)
                .between(day("from", from), day("to", to));
        if (model != null && !model.isBlank()) {
            query = query.withModel(modelRef(model));
        }
        if (action != null && !action.isBlank()) {
            query = query.withAction(AuditQuery.Action.parse(action));
        }
        return keys.recentAudit(query, limit).stream().map(AuditEntry::of).toList();
    }

    private static Optional<LocalDate> day(String parameter, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value.strip()));
        } catch (DateTimeParseException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "The parameter " + parameter
                    + " must be a day written yyyy-mm-dd, e.g. 2026-03-01.");
        }
    }

    private static Actor actor(Caller caller) {
        return Actor.admin(caller.subject(), caller.username());
    }

    private static ModelRef modelRef(String model) {
        try {
            return ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "The model must be namespace/name, e.g. team-a/qwen3.");
        }
    }
}
