package dev.nebari.llm.keys;

import dev.nebari.llm.keys.events.RevocationReason;
import dev.nebari.llm.keys.storage.KeyShardCache;
import dev.nebari.llm.keys.storage.KeyShardWriter;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.platform.PackSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The key operations (docs/api-keys.md): mint, list, rename, revoke (one, or in bulk with a dry run), expiry and automatic
 * revocation when access shrinks. Every change is audited, and every key issued or revoked is published as an event
 * (a rename concerns people, not the gateway); no key value ever leaves this class except inside the
 * {@link IssuedKey} a mint returns.
 */
public class ApiKeys {

    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);
    private static final Comparator<ApiKey> NEWEST_FIRST =
            Comparator.comparing((ApiKey k) -> k.metadata().created()).reversed().thenComparing(ApiKey::clientId);

    private final KeyShardCache shards;
    private final KeyShardWriter writer;
    private final KeyAuditTrail audit;
    private final PackSettings.Keys rules;
    private final Clock clock;
    private final SecureRandom random;
    private final KeyWriteLimit writeLimit;

    public ApiKeys(KeyShardCache shards, KeyShardWriter writer, KeyAuditTrail audit, PackSettings.Keys rules,
            Clock clock, SecureRandom random) {
        this.shards = shards;
        this.writer = writer;
        this.audit = audit;
        this.rules = rules;
        this.clock = clock;
        this.random = random;
        this.writeLimit = new KeyWriteLimit(rules.writesPerMinute(), clock);
    }

    /**
     * Mints a key for the request's user and model if their groups grant access, the lifetime is allowed and the
     * user is below {@code keys.maxPerUserPerModel} (and within {@code keys.writesPerMinute}); the key value and its metadata are stored in one write.
     */
    public IssuedKey mint(MintRequest request) {
        var user = Actor.user(request.owner());
        try {
            writeLimit.acquire(user);
            var grant = ModelAccess.grant(request.groups(), request.access())
                    .orElseThrow(() -> new KeyException.ModelAccessDenied(request.model()));
            var lifetime = KeyLifetime.resolve(request.lifetime(), rules);
            var secret = ApiKeySecret.generate(random);
            var created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            var metadata = new KeyMetadata(request.owner(), request.model(), request.description(), created,
                    lifetime.expiresAt(created), grant.viaPublic(), grant.groups(), secret.displayHint());
            var key = await(writer.insert(secret, metadata, rules.maxPerUserPerModel()));
            audit.record(AuditRecord.issued(created, key, user));
            return new IssuedKey(key, secret);
        } catch (KeyException refused) {
            auditRefusal("", Optional.empty(), request.model(), request.owner(), user, refused);
            throw refused;
        }
    }

    /**
     * Mints the successor of a key that is about to expire: for the same owner, model and description, living as long
     * as the old key was made to live (at most {@code keys.maxTTL} as it is now). The old key is not touched: it keeps
     * working until its owner revokes it, once the new value is in place. Refused like any mint (groups, cap, rate),
     * and for a key the requester does not own.
     *
     * @param old a key that exists, or one just revoked to make room under the cap
     */
    public IssuedKey mintReplacement(ApiKey old, KeyOwner requester, Set<String> groups, AccessSpec access) {
        if (!old.owner().subject().equals(requester.subject())) {
            throw new KeyException.NotKeyOwner(old.clientId());
        }
        var lifetime = old.metadata().lifetime()
                .map(length -> length.compareTo(rules.maxTTL()) > 0 ? rules.maxTTL() : length)
                .map(KeyLifetime::of)
                .orElseGet(KeyLifetime::noExpiry);
        return mint(new MintRequest(requester, groups, old.model(), access, old.metadata().description(),
                Optional.of(lifetime)));
    }

    /**
     * Audits a request the pack refused. A store that is unavailable is not the requester's doing (and is logged
     * where it happens); of a user who keeps going over the write rate, one refusal a minute is enough.
     */
    private void auditRefusal(String clientId, Optional<ApiKey> key, ModelRef model, KeyOwner owner, Actor actor,
            KeyException refused) {
        if (refused instanceof KeyException.StoreUnavailable
                || refused instanceof KeyException.TooManyWrites && !writeLimit.refusalAuditDue(actor)) {
            return;
        }
        audit.record(AuditRecord.refused(clock.instant().truncatedTo(ChronoUnit.MILLIS), clientId, key, model, owner,
                actor, refused));
    }

    /**
     * Admin: stores a key made elsewhere (the predecessor's) for its owner, under a new client id, so that callers
     * sending it keep working. Refused for a value that is not a key or is stored already; the per-user cap does not
     * apply (the owner had these keys before).
     */
    public ApiKey importKey(KeyImport request, Actor actor) {
        if (actor.role() != Actor.Role.ADMIN) {
            throw new KeyException.AdminOnly("import keys");
        }
        ApiKeySecret secret;
        try {
            secret = ApiKeySecret.imported(request.value());
        } catch (IllegalArgumentException e) {
            throw new KeyException.InvalidRequest(e.getMessage());
        }
        var stored = storedAs(secret);
        if (stored.isPresent()) {
            throw new KeyException.InvalidRequest("This key is stored already, as client id " + stored.get() + ".");
        }
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var lifetime = KeyLifetime.resolve(request.lifetime(), rules);
        var access = request.access();
        var metadata = new KeyMetadata(request.owner(), request.model(), request.description(),
                request.created().orElse(now), lifetime.expiresAt(now), Boolean.TRUE.equals(access.isPublic()),
                access.groups() == null ? List.of() : access.groups(), secret.displayHint());
        var key = await(writer.insert(secret, metadata, Integer.MAX_VALUE));
        audit.record(AuditRecord.imported(now, key, actor));
        return key;
    }

    /** The client id under which this very value is stored, if it is (compared in constant time). */
    private Optional<String> storedAs(ApiKeySecret secret) {
        for (var shard : shards.all()) {
            var data = shard.secret().getData();
            if (data == null) {
                continue;
            }
            for (var entry : data.entrySet()) {
                if (MessageDigest.isEqual(Base64.getDecoder().decode(entry.getValue()),
                        secret.reveal().getBytes(StandardCharsets.US_ASCII))) {
                    return Optional.of(entry.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /** Stored keys matching the query, newest first. */
    public List<ApiKey> list(KeyQuery query) {
        var matches = query.asPredicate();
        var source = query.model().map(shards::shards)
                .or(() -> query.ownerSubject().map(shards::shardsOf))
                .orElseGet(shards::all);
        return source.stream()
                .flatMap(shard -> shard.keys().stream())
                .filter(matches)
                .sorted(NEWEST_FIRST)
                .toList();
    }

    public Optional<ApiKey> find(ClientId clientId) {
        return shards.all().stream().map(shard -> shard.key(clientId)).flatMap(Optional::stream).findFirst();
    }

    /** Revokes one key: its owner may, an admin may revoke any. */
    public ApiKey revoke(ClientId clientId, Actor actor) {
        var key = changeable(clientId, actor);
        var reason = actor.role() == Actor.Role.USER || actor.subject().equals(key.owner().subject())
                ? RevocationReason.USER : RevocationReason.ADMIN;
        return removeAll(List.of(key), actor, reason, Optional.empty(), k -> true).stream().findFirst()
                .orElseThrow(() -> new KeyException.KeyNotFound(clientId));
    }

    /**
     * Gives a key a new description (checked as on mint): its owner may, an admin may rename any. The value, the
     * client id and everything else about the key stay as they are.
     */
    public ApiKey rename(ClientId clientId, String description, Actor actor) {
        var checked = KeyMetadata.checkDescription(description);
        var key = changeable(clientId, actor);
        var renamed = await(writer.describe(key.model(), clientId, checked))
                .orElseThrow(() -> new KeyException.KeyNotFound(clientId));
        audit.record(AuditRecord.renamed(clock.instant().truncatedTo(ChronoUnit.MILLIS), renamed, actor));
        return renamed;
    }

    /**
     * The key {@code actor} is about to change, within the write rate; refusals of an existing key are audited (a
     * missing key is not).
     */
    private ApiKey changeable(ClientId clientId, Actor actor) {
        var found = find(clientId);
        try {
            writeLimit.acquire(actor);
        } catch (KeyException.TooManyWrites refused) {
            found.ifPresent(key -> auditRefusal(clientId.value(), found, key.model(), key.owner(), actor, refused));
            throw refused;
        }
        var key = found.orElseThrow(() -> new KeyException.KeyNotFound(clientId));
        if (!actor.mayManageKeysOf(key.owner().subject())) {
            // someone tried another user's key: worth an audit entry
            var refusal = new KeyException.NotKeyOwner(clientId);
            auditRefusal(clientId.value(), found, key.model(), key.owner(), actor, refusal);
            throw refusal;
        }
        return key;
    }

    /** Admin: revokes every key of a user (or, with {@code dryRun}, only says which keys that would be). */
    public List<ApiKey> revokeAllOwnedBy(String ownerSubject, Actor actor, boolean dryRun) {
        return revokeInBulk(KeyQuery.ownedBy(ownerSubject), actor, dryRun, "revoke all keys of a user");
    }

    /** Admin: revokes every key the query matches (or, with {@code dryRun}, only says which keys that would be). */
    public List<ApiKey> revokeAll(KeyQuery query, Actor actor, boolean dryRun) {
        return revokeInBulk(query, actor, dryRun, "revoke keys in bulk");
    }

    /** Admin: revokes every key of a model (or, with {@code dryRun}, only says which keys that would be). */
    public List<ApiKey> revokeAllForModel(ModelRef model, Actor actor, boolean dryRun) {
        return revokeInBulk(KeyQuery.forModel(model), actor, dryRun, "revoke all keys of a model");
    }

    private List<ApiKey> revokeInBulk(KeyQuery query, Actor actor, boolean dryRun, String operation) {
        if (actor.role() == Actor.Role.USER) {
            throw new KeyException.AdminOnly(operation);
        }
        var matching = list(query);
        return dryRun ? matching : removeAll(matching, actor, RevocationReason.ADMIN, Optional.of(query.bulkScope()), k -> true);
    }

    /** Removes every key whose lifetime has ended; the leader runs this every {@code keys.sweepInterval}. */
    public List<ApiKey> sweepExpired() {
        var now = clock.instant();
        var expired = shards.all().stream().flatMap(s -> s.keys().stream())
                .filter(k -> k.metadata().isExpiredAt(now)).toList();
        return removeAll(expired, Actor.SYSTEM, RevocationReason.EXPIRED, Optional.empty(),
                k -> k.metadata().isExpiredAt(clock.instant()));
    }

    /**
     * Revokes the model's keys that its current access no longer grants (by the groups recorded at mint time).
     * Level-triggered, so a replica that was not leading when the access changed still catches up.
     */
    public List<ApiKey> revokeNoLongerGranted(ModelRef model, AccessSpec current) {
        Predicate<ApiKey> lostAccess = k -> !ModelAccess.stillGranted(k.metadata(), current);
        var affected = list(KeyQuery.forModel(model)).stream().filter(lostAccess).toList();
        if (affected.isEmpty()) {
            return List.of();
        }
        return removeAll(affected, Actor.SYSTEM, RevocationReason.ACCESS_CHANGED, Optional.empty(), lostAccess);
    }

    /**
     * A user logged in with their current groups: revokes their keys for models those groups no longer reach. The
     * model's current access decides when known; otherwise the groups recorded at mint time do.
     */
    public List<ApiKey> revokeOnGroupsChange(KeyOwner owner, Set<String> currentGroups, ModelAccessLookup models) {
        Predicate<ApiKey> lostAccess = k -> models.currentAccess(k.model())
                .map(access -> ModelAccess.grant(currentGroups, access).isEmpty())
                .orElseGet(() -> !k.metadata().grantedByPublic()
                        && k.metadata().grantingGroups().stream().noneMatch(currentGroups::contains));
        var affected = list(KeyQuery.ownedBy(owner.subject())).stream().filter(lostAccess).toList();
        return removeAll(affected, Actor.SYSTEM, RevocationReason.GROUPS_CHANGED, Optional.empty(), lostAccess);
    }

    /** Recent audit records, newest first (admin API). */
    public List<AuditRecord> recentAudit(int limit) {
        return audit.recent(limit);
    }

    /** Recent audit records the query matches, newest first, at most {@code limit} (the admin views' filters). */
    public List<AuditRecord> recentAudit(AuditQuery query, int limit) {
        return audit.recent(query, limit);
    }

    /**
     * Removes keys through the writer (which batches them per model), then audits and announces each key actually
     * removed. {@code stillApplies} is re-checked against the stored key at write time, so a key changed meanwhile
     * is not removed on stale grounds. {@code bulk} is what an admin's bulk revocation named.
     */
    private List<ApiKey> removeAll(List<ApiKey> keys, Actor actor, RevocationReason reason, Optional<BulkScope> bulk,
            Predicate<ApiKey> stillApplies) {
        var pending = keys.stream()
                .map(k -> writer.remove(k.model(), k.clientId(), stillApplies))
                .toList();
        var removed = new ArrayList<ApiKey>();
        KeyException failure = null;
        for (var future : pending) {
            try {
                await(future).ifPresent(removed::add);
            } catch (KeyException e) {
                failure = failure == null ? e : failure;
            }
        }
        var now = clock.instant();
        for (var key : removed) {
            audit.record(AuditRecord.revoked(now, key, actor, reason, bulk));
        }
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(removed);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KeyException keyException) {
                throw keyException;
            }
            throw new KeyException.StoreUnavailable("The key store failed.", e.getCause());
        } catch (TimeoutException e) {
            throw new KeyException.StoreUnavailable("The key store did not answer within " + STORE_TIMEOUT.toSeconds() + " seconds.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyException.StoreUnavailable("Interrupted while waiting for the key store.", e);
        }
    }
}
