package dev.nebari.llm.keys;

import dev.nebari.llm.keys.storage.KeyShard;
import dev.nebari.llm.keys.storage.KeyShardCache;
import java.time.Duration;
import java.util.List;

/**
 * What the gateway renderer needs from the keys module: which credential Secrets to reference and which client
 * ids a model's allow-list holds. Reads the watched shards; available in the operator (read-only) and the portal.
 */
public final class KeyCredentials {

    /** The {@code app.kubernetes.io/component} label of every key Secret (select all of them with it). */
    public static final String SECRET_COMPONENT = dev.nebari.llm.keys.storage.KeySecretLayout.CREDENTIALS_COMPONENT;

    private final KeyShardCache shards;

    public KeyCredentials(KeyShardCache shards) {
        this.shards = shards;
    }

    /**
     * Waits until the key Secrets have been listed once (at once afterwards). Whatever lists keys to the gateway
     * must wait: rendered from a cache still filling, a policy would leave out keys that exist, and applied, refuse
     * them until the next pass (seen after an operator restart at 3,000 models, bench/scale).
     *
     * @throws IllegalStateException when they could not be listed within {@code timeout}
     */
    public void awaitListed(Duration timeout) {
        shards.awaitSynced(timeout);
    }

    /** The namespace of the credential Secrets (credentialRefs point there; the ReferenceGrant lives there). */
    public String namespace() {
        return shards.namespace();
    }

    /** The model's credential Secrets ({@code subdomain} routing mode references only these). */
    public List<String> credentialSecretNames(ModelRef model) {
        return shards.shards(model).stream().map(KeyShard::name).toList();
    }

    /**
     * The model's client ids as the gateway sees them (the data keys of its Secrets), sorted: the model's
     * authorization allow-list.
     */
    public List<ClientId> clientIds(ModelRef model) {
        return shards.shards(model).stream()
                .flatMap(shard -> shard.credentialIds().stream())
                .filter(ClientId::isValid)
                .map(ClientId::new)
                .sorted()
                .toList();
    }

    /** Every credential Secret, sorted ({@code shared} routing mode references all of them). */
    public List<String> allCredentialSecretNames() {
        return shards.names();
    }
}
