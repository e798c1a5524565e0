package dev.nebari.llm.api;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.AuditRecord;
import dev.nebari.llm.keys.BulkScope;
import dev.nebari.llm.keys.KeyIdentity;
import dev.nebari.llm.keys.KeyLifetime;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.catalog.TrafficShare;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import java.util.Optional;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the API reads and writes. None of these ever holds a key value except {@link MintedKey}. */
final class Representations {

    private Representations() {
    }

    @Schema(description = "The caller, as the verified token says")
    record Me(String subject, String username, List<String> groups, boolean admin) {
        static Me of(Caller caller) {
            return new Me(caller.subject(), caller.username(), caller.groups().stream().sorted().toList(), caller.admin());
        }
    }

    @Schema(description = "An LLMModel, by namespace and name")
    record ModelName(
            @NotBlank(message = "must name the model's namespace")
            @Size(max = 63, message = "may have at most 63 characters") String namespace,
            @NotBlank(message = "must name the model") @Size(max = 253, message = "may have at most 253 characters") String name) {

        ModelRef ref() {
            return new ModelRef(namespace, name);
        }

        static ModelName of(ModelRef ref) {
            return new ModelName(ref.namespace(), ref.name());
        }
    }

    @Schema(description = "Where to call a model; empty when the endpoint is disabled or not ready yet")
    record Endpoints(@Nullable String external, @Nullable String internal) {
    }

    @Schema(description = "This model's share of its model id's requests, when several LLMModels serve the id as revisions")
    record Traffic(
            @Schema(description = "spec.traffic.weight") int weight,
            @Schema(description = "The weights of every revision of the id, this one included, added up") int totalWeight,
            @Schema(description = "weight / totalWeight, in whole percent") int percent,
            @Schema(description = "The other LLMModels serving the id, in this namespace") List<String> otherRevisions) {

        static @Nullable Traffic of(Optional<TrafficShare> share) {
            return share.map(s -> new Traffic(s.weight(), s.totalWeight(), s.percent(), s.otherRevisions())).orElse(null);
        }
    }

    @Schema(description = "A model the caller may use")
    record Model(
            String namespace,
            String name,
            @Schema(description = "The exact value to send as \"model\"; absent until the operator has reported it")
            @Nullable String modelId,
            @Schema(description = "Other ids this model answers to (spec.model.aliases)") List<String> aliases,
            @Nullable String phase,
            Endpoints endpoints,
            @Schema(description = "Absent unless the model sets spec.traffic") @Nullable Traffic traffic,
            @Schema(description = "Model ids of the model's LoRA adapters, each also a value for \"model\" at the same "
                    + "endpoints; the model's keys and access cover them")
            List<String> adapters,
            @Schema(description = "For an external provider (PassthroughModel): its host name; the pack forwards the "
                    + "requests there with the provider's own credential. Absent for a model served in the cluster")
            @Nullable String provider,
            @Schema(description = "For an external provider: every model id it serves (a catch-all provider also "
                    + "takes ids no one else serves); empty for a model served in the cluster")
            List<String> modelIds) {

        static Model of(LLMModel model, ModelCatalog catalog) {
            var status = model.getStatus();
            var endpoints = status == null ? null : status.endpoints();
            return new Model(model.getMetadata().getNamespace(), model.getMetadata().getName(),
                    endpoints == null ? null : blankToNull(endpoints.model()),
                    model.getSpec().model().aliases(),
                    status == null || status.phase() == null ? null : status.phase().name(),
                    endpoints(endpoints), Traffic.of(catalog.trafficShare(model)), model.getSpec().adapterIds(),
                    null, List.of());
        }

        /** An external provider: never its credential, only where requests go. */
        static Model of(PassthroughModel provider) {
            var status = provider.getStatus();
            var endpoints = status == null ? null : status.endpoints();
            var ids = provider.getSpec().models().ids();
            return new Model(provider.getMetadata().getNamespace(), provider.getMetadata().getName(),
                    ids.isEmpty() ? null : ids.getFirst(), List.of(),
                    status == null || status.phase() == null ? null : status.phase().name(),
                    endpoints(endpoints), null, List.of(), provider.getSpec().provider().hostname(), ids);
        }

        private static Endpoints endpoints(dev.nebari.llm.model.@Nullable EndpointsStatus endpoints) {
            return new Endpoints(endpoints == null ? null : blankToNull(endpoints.external()),
                    endpoints == null ? null : blankToNull(endpoints.internal()));
        }
    }

    @Schema(description = "A model with what admins need: its access and how many keys it has")
    record AdminModel(Model model, boolean isPublic, List<String> groups, int keyCount) {
    }

    @Schema(description = "A key owner")
    record Owner(String subject, String username) {
    }

    @Schema(description = "A stored key; never its value")
    record Key(
            String clientId,
            ModelName model,
            Owner owner,
            String description,
            Instant created,
            @Schema(description = "Absent for a key without expiry") @Nullable Instant expires,
            @Schema(description = "The key's last four characters, to tell keys apart") String hint) {

        static Key of(ApiKey key) {
            KeyMetadata metadata = key.metadata();
            return new Key(key.clientId().value(), ModelName.of(key.model()),
                    new Owner(key.owner().subject(), key.owner().username()), metadata.description(),
                    metadata.created(), metadata.expires().orElse(null), metadata.displayHint());
        }
    }

    @Schema(description = "A request for a new key")
    record MintKey(
            @NotNull(message = "must name the model: {\"namespace\": ..., \"name\": ...}") @Valid ModelName model,
            @Size(max = KeyMetadata.MAX_DESCRIPTION_LENGTH, message = "may have at most 200 characters")
            @Nullable String description,
            @Schema(description = "Days (30d) or hours (12h), or never when the admins allow keys without expiry; "
                    + "absent for the default lifetime", example = "30d")
            @Pattern(regexp = "never|" + KeyLifetime.SYNTAX, message = "must be a number of days or hours such as 30d or 12h, or never")
            @Nullable String lifetime) {
    }

    @Schema(description = "A key's new description (an empty string removes it); nothing else about the key changes")
    record RenameKey(
            @NotNull(message = "must be the key's new description (an empty string removes it)")
            @Size(max = KeyMetadata.MAX_DESCRIPTION_LENGTH, message = "may have at most 200 characters")
            @Nullable String description) {
    }

    @Schema(description = "A new key. The value is shown this once and cannot be retrieved again")
    record MintedKey(Key key, String value, String warning) {
        static final String WARNING = "Copy this key now: it will not be shown again.";
    }

    @Schema(description = "A key made by the predecessor pack, to be stored as it is for its owner (docs/migration.md)")
    record ImportKey(
            @NotNull(message = "must name the model: {\"namespace\": ..., \"name\": ...}") @Valid ModelName model,
            @NotNull(message = "must name the owner: {\"subject\": ..., \"username\": ...}") @Valid KeyOwnerName owner,
            @Schema(description = "The key as callers send it: sk- and 32 to 128 base64url characters")
            @NotBlank(message = "must be the key") @Size(max = 200, message = "may have at most 200 characters") String value,
            @Size(max = KeyMetadata.MAX_DESCRIPTION_LENGTH, message = "may have at most 200 characters")
            @Nullable String description,
            @Schema(description = "When the predecessor made it, if known") @Nullable Instant created,
            @Schema(description = "As for a mint; absent for the default lifetime, counted from the import", example = "90d")
            @Pattern(regexp = "never|" + KeyLifetime.SYNTAX, message = "must be a number of days or hours such as 30d or 12h, or never")
            @Nullable String lifetime) {

        @Override
        public String toString() {
            return "ImportKey[model=" + model + ", owner=" + owner + "]"; // never the value
        }
    }

    @Schema(description = "The owner of an imported key: the identity provider's subject and the username")
    record KeyOwnerName(
            @NotBlank(message = "must be the owner's subject (sub)") @Size(max = 1024, message = "may have at most 1024 characters") String subject,
            @NotBlank(message = "must be the owner's username") @Size(max = 1024, message = "may have at most 1024 characters") String username) {
    }

    @Schema(description = "Revoke every key of one user or of one model; with dryRun only list them")
    record BulkRevoke(
            @Schema(description = "The owner's subject or username")
            @Size(max = 1024, message = "may have at most 1024 characters") @Nullable String user,
            @Valid @Nullable ModelName model,
            @Schema(description = "Only list the keys that would be revoked (default false)") @Nullable Boolean dryRun) {

        boolean onlyList() {
            return Boolean.TRUE.equals(dryRun);
        }

        @JsonIgnore
        @Schema(hidden = true)
        @AssertTrue(message = "Name exactly one of user or model.")
        boolean isExactlyOneTarget() {
            return (user != null && !user.isBlank()) != (model != null);
        }
    }

    @Schema(description = "The keys a bulk revocation removed (or, in a dry run, would remove)")
    record BulkRevokeResult(boolean dryRun, int count, List<Key> keys) {
    }

    @Schema(description = "One audited key operation. The key is named as key listings name it (clientId, description, "
            + "hint, created, expires), as it was then; those are absent for a refused mint")
    record AuditEntry(
            Instant at,
            @Schema(description = "issued, imported, renamed, revoked, expired or refused") String action,
            String clientId,
            @Nullable String description,
            @Schema(description = "The key's last four characters, to tell keys apart") @Nullable String hint,
            @Nullable Instant created,
            @Nullable Instant expires,
            ModelName model,
            Owner owner,
            Owner actor,
            String actorRole,
            @Schema(description = "Why a key was revoked") @Nullable String reason,
            @Schema(description = "For a key an admin revoked in bulk: which keys that revocation named; absent for a "
                    + "key revoked alone") @Nullable BulkTarget bulk,
            @Schema(description = "Why a request was refused (action refused), e.g. key-limit-reached") @Nullable String refusal) {

        static AuditEntry of(AuditRecord record) {
            var key = record.key();
            return new AuditEntry(record.at(), record.action(), record.clientId(),
                    key.map(KeyIdentity::description).orElse(null), key.map(KeyIdentity::hint).orElse(null),
                    key.map(KeyIdentity::created).orElse(null), key.flatMap(KeyIdentity::expires).orElse(null),
                    ModelName.of(record.model()), new Owner(record.ownerSubject(), record.ownerUsername()),
                    new Owner(record.actorSubject(), record.actorUsername()), record.actorRole().name(),
                    record.reason().map(Enum::name).orElse(null), record.bulk().map(BulkTarget::of).orElse(null),
                    record.refusal().orElse(null));
        }
    }

    @Schema(description = "What a bulk revocation named: every key of a user, of a model, or both")
    record BulkTarget(@Schema(description = "As the admin named them: subject or username") @Nullable String user,
            @Nullable ModelName model) {
        static BulkTarget of(BulkScope scope) {
            return new BulkTarget(scope.user().orElse(null), scope.model().map(ModelName::of).orElse(null));
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
