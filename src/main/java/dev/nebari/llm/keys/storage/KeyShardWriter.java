package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.ApiKey;
import dev.nebari.llm.keys.ApiKeySecret;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyException;
import dev.nebari.llm.keys.KeyMetadata;
import dev.nebari.llm.keys.ModelRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes key changes to the shard Secrets with group commit.
 *
 * <p>Each model has a lane: changes queue up while a commit round is in flight, and the next round takes all of
 * them at once, so 200 concurrent mints cost a handful of Secret updates instead of 200 racing ones. A round
 * places new keys on shards with room (starting from a shard chosen per process, so replicas tend to write
 * different shards), creates a shard when all are full, and writes every touched shard in parallel with
 * optimistic concurrency: the update carries the resourceVersion it was computed from. On 409 the shard is read
 * again and its changes go into the next round, so no change is ever lost or applied twice. Key value and
 * metadata of a key always travel in the same update.
 *
 * <p>The per-owner cap is checked against this process's cache, which cannot see another replica's mint for the
 * same owner a moment earlier. One owner's keys go into one shard (see {@code roomFor}), so two replicas minting for
 * the same owner conflict on it and the second counts the first's key. Where caches disagree about which shard that
 * is, a safety net catches the rest: after a round that added keys, the model's other shards are read again from the
 * API server (after our own write; see {@code storedAfter}), and an owner now above the cap gets the keys of this
 * round taken back and refused. Of two rounds that overlap, the one that wrote last sees both. The cap is never
 * exceeded; a withdrawn key's value was never shown to anyone.
 */
public final class KeyShardWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyShardWriter.class);
    private static final int MAX_BATCH = 1_000;
    private static final int MAX_ATTEMPTS = 30;

    private final KubernetesClient client;
    private final String namespace;
    private final KeyShardCache cache;
    private final ClientIdAllocator allocator;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<ModelRef, Lane> lanes = new ConcurrentHashMap<>();
    public KeyShardWriter(KubernetesClient client, KeyShardCache cache, ClientIdAllocator allocator) {
        this.client = client;
        this.namespace = cache.namespace();
        this.cache = cache;
        this.allocator = allocator;
    }

    /** Stores a new key; completes with it once its Secret update succeeded, or with a {@link KeyException}. */
    public CompletableFuture<ApiKey> insert(ApiKeySecret secret, KeyMetadata metadata, int maxPerOwner) {
        var pending = new Pending(new Insert(secret, metadata, maxPerOwner));
        lane(metadata.model()).submit(pending);
        return pending.result.thenApply(ApiKey.class::cast);
    }

    /**
     * Removes a key if it still exists and still satisfies {@code condition} when the removal is applied; completes
     * with the removed key, or empty when there was nothing (left) to remove.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Optional<ApiKey>> remove(ModelRef model, ClientId clientId, Predicate<ApiKey> condition) {
        var pending = new Pending(new Remove(clientId, condition));
        lane(model).submit(pending);
        return pending.result.thenApply(result -> (Optional<ApiKey>) result);
    }

    /**
     * Gives a stored key a new description (its metadata annotation only: the value stays); completes with the key as
     * it is now, or empty when there is no such key (any more).
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Optional<ApiKey>> describe(ModelRef model, ClientId clientId, String description) {
        var pending = new Pending(new Describe(clientId, description));
        lane(model).submit(pending);
        return pending.result.thenApply(result -> (Optional<ApiKey>) result);
    }

    private Lane lane(ModelRef model) {
        return lanes.computeIfAbsent(model, Lane::new);
    }

    private sealed interface Change permits Insert, Remove, Describe {
    }

    private record Insert(ApiKeySecret secret, KeyMetadata metadata, int maxPerOwner) implements Change {
        @Override
        public String toString() {
            return "Insert[" + metadata.model() + "]";
        }
    }

    private record Remove(ClientId clientId, Predicate<ApiKey> condition) implements Change {
    }

    private record Describe(ClientId clientId, String description) implements Change {
    }

    private static final class Pending {
        final Change change;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        int attempts;

        Pending(Change change) {
            this.change = change;
        }
    }

    /** One shard's share of a round: the base version and the changes computed against it. */
    private static final class ShardPlan {
        final Secret base;
        final boolean create;
        final List<KeyShard.Entry> additions = new ArrayList<>();
        final Set<ClientId> removals = new HashSet<>();
        /** New metadata annotations of keys that stay, by client id. */
        final Map<ClientId, String> updates = new HashMap<>();
        final List<Pending> pendings = new ArrayList<>();
        final List<Runnable> onSuccess = new ArrayList<>();
        /** The shard as the API server stored it (or newer), once written. */
        @Nullable KeyShard written;
        int keys;
        int annotationBytes;

        ShardPlan(Secret base, boolean create, int keys, int annotationBytes) {
            this.base = base;
            this.create = create;
            this.keys = keys;
            this.annotationBytes = annotationBytes;
        }
    }

    private enum Outcome { WRITTEN, CONFLICT, FAILED }

    /** A key stored by this round, not yet handed out. */
    private record Written(Pending pending, ApiKey key, int maxPerOwner) {
    }

    private final class Lane {
        final ModelRef model;
        final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();
        /** Changes whose shard conflicted; only the draining thread touches it. */
        final ArrayDeque<Pending> retries = new ArrayDeque<>();
        /** Keys written in the current round, to be checked against the cap before they are handed out. */
        final List<Written> written = new ArrayList<>();

        Lane(ModelRef model) {
            this.model = model;
        }

        void submit(Pending pending) {
            queue.add(pending);
            schedule();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                executor.execute(this::drain);
            }
        }

        void drain() {
            try {
                while (true) {
                    var batch = new ArrayList<Pending>(retries);
                    retries.clear();
                    Pending next;
                    while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
                        batch.add(next);
                    }
                    if (batch.isEmpty()) {
                        return;
                    }
                    try {
                        commit(batch);
                    } catch (RuntimeException e) {
                        log.error("key store commit for model {} failed", model, e);
                        var failure = new KeyException.StoreUnavailable("The key store could not be updated.", e);
                        batch.forEach(p -> p.result.completeExceptionally(failure));
                        retries.clear();
                    }
                }
            } finally {
                scheduled.set(false);
                if (!queue.isEmpty()) {
                    schedule();
                }
            }
        }

        private void commit(List<Pending> batch) {
            var began = System.nanoTime();
            var shards = new TreeMap<Integer, KeyShard>();
            cache.shards(model).forEach(s -> shards.put(s.index(), s));
            var plans = new TreeMap<Integer, ShardPlan>();
            var perOwner = new HashMap<String, Integer>();
            shards.values().forEach(s -> s.keys().forEach(k -> perOwner.merge(k.owner().subject(), 1, Integer::sum)));

            for (var pending : batch) {
                switch (pending.change) {
                    case Remove remove -> planRemoval(pending, remove, shards, plans, perOwner);
                    case Insert insert -> planInsertion(pending, insert, shards, plans, perOwner);
                    case Describe describe -> planDescription(pending, describe, shards, plans);
                }
            }
            if (plans.isEmpty()) {
                return;
            }
            var planned = System.nanoTime();
            var writes = plans.values().stream()
                    .map(plan -> CompletableFuture.supplyAsync(() -> write(plan), executor))
                    .toList();
            var index = 0;
            written.clear();
            for (var plan : plans.values()) {
                var outcome = writes.get(index++).join();
                switch (outcome) {
                    case WRITTEN -> plan.onSuccess.forEach(Runnable::run);
                    case CONFLICT -> plan.pendings.forEach(this::retry);
                    case FAILED -> {
                        var failure = new KeyException.StoreUnavailable(
                                "The key store Secret " + plan.base.getMetadata().getName() + " could not be written.", null);
                        plan.pendings.forEach(p -> p.result.completeExceptionally(failure));
                    }
                }
            }
            if (!written.isEmpty()) {
                var stored = new HashMap<Integer, KeyShard>();
                plans.forEach((shard, plan) -> {
                    if (plan.written != null) {
                        stored.put(shard, plan.written);
                    }
                });
                handOutWithinTheCap(List.copyOf(written), stored);
            }
            if (log.isDebugEnabled()) {
                log.debug("commit for {}: {} changes on {} shards, planned in {} ms, written in {} ms ({})", model,
                        batch.size(), plans.size(), (planned - began) / 1_000_000, (System.nanoTime() - planned) / 1_000_000,
                        writes.stream().map(CompletableFuture::join).toList());
            }
        }

        /**
         * Hands out the keys of this round, except where their owner is now above the cap as the model's shards say
         * after the round ({@link #storedAfter}): those keys are removed again (newest of this round first) and
         * refused.
         */
        private void handOutWithinTheCap(List<Written> round, Map<Integer, KeyShard> writtenShards) {
            Map<String, Long> stored;
            try {
                stored = storedAfter(writtenShards).stream().flatMap(shard -> shard.keys().stream())
                        .collect(Collectors.groupingBy(k -> k.owner().subject(), Collectors.counting()));
            } catch (KubernetesClientException e) {
                log.warn("re-reading the key shards of {} failed with HTTP {}; the keys of this round are taken back",
                        model, e.getCode());
                stored = null;
            }
            var excess = new HashMap<String, Long>();
            if (stored != null) {
                for (var key : round) {
                    var owner = key.key().owner().subject();
                    excess.putIfAbsent(owner, Math.max(0, stored.getOrDefault(owner, 0L) - key.maxPerOwner()));
                }
            }
            // Newest of this round first: the earlier requests of a burst keep their places.
            var withdrawn = new HashSet<Pending>();
            for (var key : round.reversed()) {
                var owner = key.key().owner().subject();
                var over = stored == null ? 1 : excess.getOrDefault(owner, 0L);
                if (over <= 0) {
                    continue;
                }
                excess.put(owner, over - 1);
                withdrawn.add(key.pending());
                var refusal = stored == null
                        ? new KeyException.StoreUnavailable("The key store could not be read back; try again.", null)
                        : new KeyException.KeyLimitReached(model, key.maxPerOwner());
                remove(model, key.key().clientId(), stillThere -> true)
                        .whenComplete((removed, failure) -> key.pending().result.completeExceptionally(refusal));
            }
            round.stream().filter(key -> !withdrawn.contains(key.pending()))
                    .forEach(key -> key.pending().result.complete(key.key()));
        }

        /**
         * The model's shards after this round: those it wrote as their writes returned them, or newer as the cache
         * holds them (a later write to one of them comes from a round that checks after it), every other known shard
         * read again, and the shards after the highest known index read until one is missing: a new shard always
         * takes the lowest free index (see {@code roomFor}), so one missing index ends the list. Reading them one by
         * one costs the API server a key lookup each, where a label-selected list of the keys namespace filtered every
         * Secret in it; a model with one shard costs one read of a missing name.
         */
        private List<KeyShard> storedAfter(Map<Integer, KeyShard> writtenShards) {
            var stored = new TreeMap<Integer, KeyShard>(writtenShards);
            for (var known : cache.shards(model)) {
                if (!stored.containsKey(known.index())) {
                    read(known.index()).ifPresent(shard -> stored.put(known.index(), shard));
                }
            }
            var next = stored.isEmpty() ? 0 : stored.lastKey() + 1;
            for (var found = read(next); found.isPresent(); found = read(++next)) {
                stored.put(next, found.get());
            }
            return List.copyOf(stored.values());
        }

        private Optional<KeyShard> read(int index) {
            var name = KeySecretLayout.shardName(model, index);
            @Nullable Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
            if (secret == null) {
                cache.evict(name);
                return Optional.empty();
            }
            return Optional.of(cache.current(secret));
        }

        private void retry(Pending pending) {
            if (++pending.attempts >= MAX_ATTEMPTS) {
                pending.result.completeExceptionally(new KeyException.StoreUnavailable(
                        "The key store stayed busy after " + MAX_ATTEMPTS + " attempts; try again.", null));
            } else {
                retries.add(pending);
            }
        }

        private void planRemoval(Pending pending, Remove remove, TreeMap<Integer, KeyShard> shards,
                TreeMap<Integer, ShardPlan> plans, Map<String, Integer> perOwner) {
            var holder = shards.values().stream().filter(s -> s.holds(remove.clientId())).findFirst();
            if (holder.isEmpty()) {
                pending.result.complete(Optional.empty());
                return;
            }
            var shard = holder.get();
            var key = shard.key(remove.clientId());
            var plan = plans.computeIfAbsent(shard.index(), i -> planFor(shard));
            if (plan.removals.contains(remove.clientId()) || (key.isPresent() && !remove.condition().test(key.get()))) {
                pending.result.complete(Optional.empty());
                return;
            }
            plan.removals.add(remove.clientId());
            plan.keys--;
            plan.pendings.add(pending);
            key.ifPresent(k -> perOwner.merge(k.owner().subject(), -1, Integer::sum));
            plan.onSuccess.add(() -> pending.result.complete(key));
        }

        private void planDescription(Pending pending, Describe describe, TreeMap<Integer, KeyShard> shards,
                TreeMap<Integer, ShardPlan> plans) {
            var holder = shards.values().stream().filter(s -> s.holds(describe.clientId())).findFirst();
            var key = holder.flatMap(shard -> shard.key(describe.clientId()));
            if (key.isEmpty() || plans.containsKey(holder.get().index())
                    && plans.get(holder.get().index()).removals.contains(describe.clientId())) {
                pending.result.complete(Optional.empty());
                return;
            }
            var shard = holder.get();
            var plan = plans.computeIfAbsent(shard.index(), i -> planFor(shard));
            var described = new ApiKey(describe.clientId(), key.get().metadata().withDescription(describe.description()));
            var json = MetadataCodec.encode(described.metadata());
            var before = plan.updates.getOrDefault(describe.clientId(), MetadataCodec.encode(key.get().metadata()));
            var growth = json.getBytes(StandardCharsets.UTF_8).length - before.getBytes(StandardCharsets.UTF_8).length;
            if (json.getBytes(StandardCharsets.UTF_8).length > KeySecretLayout.MAX_METADATA_BYTES
                    || !KeyShard.fits(plan.keys, plan.annotationBytes + growth)) {
                pending.result.completeExceptionally(new KeyException.InvalidRequest(
                        "The new description is too long to store with this key; choose a shorter one."));
                return;
            }
            plan.updates.put(describe.clientId(), json);
            plan.annotationBytes += growth;
            plan.pendings.add(pending);
            plan.onSuccess.add(() -> pending.result.complete(Optional.of(described)));
        }

        private void planInsertion(Pending pending, Insert insert, TreeMap<Integer, KeyShard> shards,
                TreeMap<Integer, ShardPlan> plans, Map<String, Integer> perOwner) {
            var owner = insert.metadata().owner().subject();
            if (perOwner.getOrDefault(owner, 0) >= insert.maxPerOwner()) {
                pending.result.completeExceptionally(new KeyException.KeyLimitReached(model, insert.maxPerOwner()));
                return;
            }
            var json = MetadataCodec.encode(insert.metadata());
            if (json.getBytes(StandardCharsets.UTF_8).length > KeySecretLayout.MAX_METADATA_BYTES) {
                pending.result.completeExceptionally(new KeyException.InvalidRequest(
                        "The key's description and granting groups are too long to store."));
                return;
            }
            var entry = new KeyShard.Entry(allocator.next(), insert.secret(), insert.metadata(), json);
            var plan = roomFor(entry, shards, plans);
            plan.additions.add(entry);
            plan.keys++;
            plan.annotationBytes += entry.annotationBytes();
            plan.pendings.add(pending);
            perOwner.merge(owner, 1, Integer::sum);
            plan.onSuccess.add(() -> written.add(new Written(pending, new ApiKey(entry.clientId(), entry.metadata()),
                    insert.maxPerOwner())));
        }

        /**
         * First shard with room, starting at the owner's place: the shard that already holds one of the owner's keys,
         * else one chosen by a hash of the owner. So every replica puts one owner's keys into the same shard, and two
         * replicas minting for one owner at once conflict (409) there: the second re-reads and counts the first's key
         * against the cap. Different owners spread over the shards. A new shard when every one is full.
         */
        private ShardPlan roomFor(KeyShard.Entry entry, TreeMap<Integer, KeyShard> shards, TreeMap<Integer, ShardPlan> plans) {
            var indexes = new ArrayList<Integer>(shards.keySet());
            plans.keySet().stream().filter(i -> !shards.containsKey(i)).forEach(indexes::add);
            var owner = entry.metadata().owner().subject();
            var start = Math.floorMod(owner.hashCode(), Math.max(1, indexes.size()));
            for (int n = 0; n < indexes.size(); n++) {
                var shard = shards.get(indexes.get(n));
                if (shard != null && shard.keys().stream().anyMatch(key -> key.owner().subject().equals(owner))) {
                    start = n;
                    break;
                }
            }
            for (int n = 0; n < indexes.size(); n++) {
                var index = indexes.get(Math.floorMod(start + n, indexes.size()));
                var plan = plans.get(index);
                var keys = plan != null ? plan.keys : shards.get(index).size();
                var bytes = plan != null ? plan.annotationBytes : shards.get(index).annotationBytes();
                if (KeyShard.fits(keys + 1, bytes + entry.annotationBytes())) {
                    return plan != null ? plan : plans.computeIfAbsent(index, i -> planFor(shards.get(i)));
                }
            }
            var fresh = 0;
            while (shards.containsKey(fresh) || plans.containsKey(fresh)) {
                fresh++;
            }
            var secret = KeyShard.emptySecret(namespace, model, fresh);
            var plan = new ShardPlan(secret, true, 0, KeyShard.of(secret).annotationBytes());
            plans.put(fresh, plan);
            return plan;
        }

        private ShardPlan planFor(KeyShard shard) {
            return new ShardPlan(shard.secret(), false, shard.size(), shard.annotationBytes());
        }

        private Outcome write(ShardPlan plan) {
            var shard = KeyShard.of(plan.base);
            var next = shard.withChanges(plan.additions, plan.removals, plan.updates);
            var secrets = client.secrets().inNamespace(namespace);
            try {
                var written = plan.create ? secrets.resource(next).create() : secrets.resource(next).update();
                plan.written = cache.current(written);
                return Outcome.WRITTEN;
            } catch (KubernetesClientException e) {
                if (e.getCode() == HttpURLConnection.HTTP_CONFLICT || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                    // Someone else wrote (or deleted) the shard first: read it again and redo these changes.
                    refresh(shard.name());
                    return Outcome.CONFLICT;
                }
                // The exception text may quote the request; log only the status, never the object.
                log.warn("writing key shard {}/{} failed with HTTP {}", namespace, shard.name(), e.getCode());
                return Outcome.FAILED;
            }
        }

        private void refresh(String name) {
            try {
                @Nullable Secret current = client.secrets().inNamespace(namespace).withName(name).get();
                if (current != null) {
                    cache.observe(current);
                } else {
                    cache.evict(name);
                }
            } catch (KubernetesClientException e) {
                log.warn("re-reading key shard {}/{} failed with HTTP {}", namespace, name, e.getCode());
            }
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
