package dev.nebari.llm.keys.storage;

import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.platform.ChangeHandler;
import dev.nebari.llm.platform.LeanItemStore;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key shards of the keys namespace as last seen: a watch (informer) on the credential Secrets, plus this
 * process's own writes so that a user sees a key they just minted. Tells a listener whenever a model's set of
 * client ids changes, whichever process changed it.
 */
public final class KeyShardCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyShardCache.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Consumer<ModelRef> onKeysChanged;
    private final Map<String, KeyShard> shards = new ConcurrentHashMap<>();
    /** Shard names by model, kept with {@link #shards}: a mint reads its model's shards, not every shard. */
    private final Map<ModelRef, Set<String>> byModel = new ConcurrentHashMap<>();
    /**
     * Every shard's name in order, kept with {@link #shards}: the operator reads them at every key change (shared
     * routing lists every Secret on the key-check route), and sorting the shards each time was a tenth of its CPU
     * while keys were minted at 1,000 models, growing with the models (bench/scale).
     */
    private final NavigableSet<String> names = new ConcurrentSkipListSet<>();
    /**
     * Shard names by the subjects of the key owners they hold, kept with {@link #shards} when {@link #indexOwners}
     * (the portal asks at every user's first API call: the groups check lists the user's keys). Guarded by itself.
     */
    private final Map<String, Set<String>> byOwner = new HashMap<>();
    /**
     * Whether to keep {@link #byOwner}. It decodes every key's metadata at every change of its shard, which only the
     * portal's queries by owner need: in the operator it was 3 % of the CPU while keys were minted.
     */
    private final boolean indexOwners;
    private volatile @Nullable SharedIndexInformer<Secret> informer;
    private volatile @Nullable CompletionStage<Void> synced;

    /** A cache that answers every query, {@link #shardsOf} from an index. */
    public KeyShardCache(KubernetesClient client, String namespace, Consumer<ModelRef> onKeysChanged) {
        this(client, namespace, onKeysChanged, true);
    }

    /**
     * @param indexOwners keep an index for {@link #shardsOf} (without it, that query reads every shard: for a
     *                    process that does not ask it)
     */
    public KeyShardCache(KubernetesClient client, String namespace, Consumer<ModelRef> onKeysChanged, boolean indexOwners) {
        this.client = client;
        this.namespace = namespace;
        this.onKeysChanged = onKeysChanged;
        this.indexOwners = indexOwners;
    }

    public String namespace() {
        return namespace;
    }

    /** Starts watching; returns without waiting for the first list (see {@link #awaitSynced}). */
    public synchronized void start() {
        if (informer != null) {
            return;
        }
        var started = client.secrets().inNamespace(namespace)
                .withLabel(KeySecretLayout.COMPONENT, KeySecretLayout.CREDENTIALS_COMPONENT)
                .runnableInformer(0);
        // The writer's field ownership of every data entry and annotation is never read.
        started.itemStore(LeanItemStore.withoutManagedFields());
        started.addEventHandler(new ChangeHandler<Secret>(this::observe, this::forget));
        // The informer's own store is complete when its start completes, but its handlers, which fill the shards
        // here, run later on another thread (seconds later for 3,000 Secrets): "synced" must mean these shards
        // too, so the listed Secrets are taken in from the store before it completes (the handler's later calls
        // find them current and change nothing).
        synced = started.start().thenRun(() -> started.getStore().list().forEach(this::observe));
        informer = started;
    }

    /** Whether the first list has been read (without waiting; false before {@link #start()} and after a failed list). */
    public boolean hasSynced() {
        var current = synced;
        if (current == null) {
            return false;
        }
        var future = current.toCompletableFuture();
        return future.isDone() && !future.isCompletedExceptionally();
    }

    /** Waits until the first list has been read, so reads and writes start from the stored state. */
    public void awaitSynced(Duration timeout) {
        var current = synced;
        if (current == null) {
            throw new IllegalStateException("the key shard cache has not been started");
        }
        try {
            current.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not read the key Secrets in namespace " + namespace, e);
        }
    }

    /** Takes in a version of a shard (from the watch or this process's write) unless a newer one is known. */
    public void observe(Secret secret) {
        // Kept for as long as it is the newest version: without the field ownership, which nothing here reads.
        if (secret.getMetadata() != null) {
            secret.getMetadata().setManagedFields(null);
        }
        KeyShard shard;
        try {
            shard = KeyShard.of(secret);
        } catch (RuntimeException e) {
            // A Secret with our labels but not our layout: leave it out rather than break every read.
            log.warn("ignoring Secret {}/{}: labelled as API-key credentials but not readable as a key shard ({})",
                    namespace, secret.getMetadata().getName(), e.getClass().getSimpleName());
            return;
        }
        var changed = new boolean[1];
        shards.compute(shard.name(), (name, known) -> {
            if (known != null && !ResourceVersions.isNewer(shard.resourceVersion(), known.resourceVersion())) {
                return known;
            }
            changed[0] = known == null || !known.credentialIds().equals(shard.credentialIds());
            if (known != null) {
                shard.follows(known);
            }
            // Inside compute, so that two versions of one shard update the indexes in the order they are stored.
            reindex(known, shard);
            return shard;
        });
        if (changed[0]) {
            onKeysChanged.accept(shard.model());
        }
    }

    /**
     * Takes in a version of a shard ({@link #observe}) and returns the shard as now known: this version or a newer
     * one, parsed at most once per version however many ask.
     */
    public KeyShard current(Secret secret) {
        observe(secret);
        var known = shards.get(secret.getMetadata().getName());
        return known != null ? known : KeyShard.of(secret);
    }

    private void forget(Secret secret) {
        var removed = shards.computeIfPresent(secret.getMetadata().getName(), (name, known) -> {
            if (ResourceVersions.isNewer(known.resourceVersion(), secret.getMetadata().getResourceVersion())) {
                return known;
            }
            reindex(known, null);
            return null;
        });
        if (removed == null) {
            try {
                onKeysChanged.accept(KeyShard.of(secret).model());
            } catch (RuntimeException e) {
                log.debug("deleted Secret {} was not a key shard", secret.getMetadata().getName());
            }
        }
    }

    /** Drops a shard this process found deleted while writing to it. */
    public void evict(String name) {
        var removed = new KeyShard[1];
        shards.computeIfPresent(name, (n, known) -> {
            removed[0] = known;
            reindex(known, null);
            return null;
        });
        if (removed[0] != null) {
            onKeysChanged.accept(removed[0].model());
        }
    }

    /** Moves a shard's entries in the indexes from its stored version {@code before} to {@code after} (null: gone). */
    private void reindex(@Nullable KeyShard before, @Nullable KeyShard after) {
        if (after != null) {
            byModel.computeIfAbsent(after.model(), m -> ConcurrentHashMap.newKeySet()).add(after.name());
            names.add(after.name());
        } else if (before != null) {
            byModel.computeIfPresent(before.model(), (m, ofModel) -> {
                ofModel.remove(before.name());
                return ofModel.isEmpty() ? null : ofModel;
            });
            names.remove(before.name());
        }
        if (!indexOwners) {
            return;
        }
        synchronized (byOwner) {
            if (before != null) {
                for (var owner : owners(before)) {
                    var names = byOwner.get(owner);
                    if (names != null && names.remove(before.name()) && names.isEmpty()) {
                        byOwner.remove(owner);
                    }
                }
            }
            if (after != null) {
                for (var owner : owners(after)) {
                    byOwner.computeIfAbsent(owner, o -> new HashSet<>()).add(after.name());
                }
            }
        }
    }

    private static Set<String> owners(KeyShard shard) {
        var owners = new HashSet<String>();
        shard.keys().forEach(key -> owners.add(key.owner().subject()));
        return owners;
    }

    /** The shards that hold a key of the owner with this subject (others hold none of theirs), by name. */
    public List<KeyShard> shardsOf(String ownerSubject) {
        if (!indexOwners) {
            return all().stream().filter(shard -> owners(shard).contains(ownerSubject)).toList();
        }
        List<String> held;
        synchronized (byOwner) {
            held = List.copyOf(byOwner.getOrDefault(ownerSubject, Set.of()));
        }
        return held.stream().map(shards::get).filter(Objects::nonNull).sorted(Comparator.comparing(KeyShard::name)).toList();
    }

    /** The model's shards, by index. */
    public List<KeyShard> shards(ModelRef model) {
        return byModel.getOrDefault(model, Set.of()).stream()
                .map(shards::get)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparingInt(KeyShard::index))
                .toList();
    }

    /** Every shard, ordered by name. */
    public List<KeyShard> all() {
        return names.stream().map(shards::get).filter(Objects::nonNull).toList();
    }

    /** Every shard's name, ordered. */
    public List<String> names() {
        return List.copyOf(names);
    }

    public @Nullable KeyShard shard(String name) {
        return shards.get(Objects.requireNonNull(name));
    }

    @Override
    public synchronized void close() {
        var current = informer;
        if (current != null) {
            current.stop();
            informer = null;
        }
    }
}
