package dev.nebari.llm.reconciliation;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.manifests.DesiredState;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.PackSettings;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.keys.ModelRef;
import org.jspecify.annotations.Nullable;

/**
 * Gathers the inputs the gateway renderers need besides the model: the OIDC provider (issuer and the JWKS URI
 * from its discovery document) and the model's API-key Secrets and client ids from the keys module (in both
 * routing modes only the model's own: in shared mode every key is checked once on the pack's key-check route,
 * see {@link dev.nebari.llm.gateway.KeyCheckRouteRenderer}; in subdomain mode the host picks the model first). Without the key manager there are no keys and the
 * external policy denies everyone. The reconciler waits only for the provider's first answer (one fetch): when
 * that failed, or the issuer itself is not known yet, the internal endpoint is withheld (what exists of it is kept,
 * see ModelReconciler) and the models are reconciled again when the answer arrives. The admin API's manifest
 * preview uses the same inputs ({@link #waitingForIssuer}), and waits for every lookup.
 */
public final class AccessInputsSource implements DesiredState.ObservedInputs {

    /**
     * How long a render waits for the key Secrets to be listed after a start; a failure after it is retried with the
     * reconciler's back-off (the key-check route's pass: in 10 s).
     */
    static final Duration KEYS_LISTED = Duration.ofSeconds(60);

    private final OidcDiscovery discovery;
    private final @Nullable KeyCredentials keys;
    private final Supplier<String> issuer;
    private final boolean waitForIssuer;

    /**
     * @param issuer the OIDC issuer, blank while there is none: {@code auth.oidc.issuerURL}, or what the NebariApp's
     *               Secret says (the operator looks it up with {@link dev.nebari.llm.identity.IssuerLookup}, the
     *               portal resolved it at start)
     * @param waitForIssuer look the issuer up now if it is not known yet (for callers that may block)
     */
    private AccessInputsSource(OidcDiscovery discovery, @Nullable KeyCredentials keys, Supplier<String> issuer,
            boolean waitForIssuer) {
        this.discovery = discovery;
        this.keys = keys;
        this.issuer = issuer;
        this.waitForIssuer = waitForIssuer;
    }

    /** For the reconciler: blocks only until the provider's first answer. */
    AccessInputsSource(OidcDiscovery discovery, @Nullable KeyCredentials keys, Supplier<String> issuer) {
        this(discovery, keys, issuer, false);
    }

    AccessInputsSource(PackSettings settings, OidcDiscovery discovery, @Nullable KeyCredentials keys) {
        this(discovery, keys, () -> settings.auth().oidc().issuerURL());
    }

    /** For callers that may block (the manifest preview): an issuer not looked up yet is looked up now. */
    public static AccessInputsSource waitingForIssuer(OidcDiscovery discovery, @Nullable KeyCredentials keys,
            Supplier<String> issuer) {
        return new AccessInputsSource(discovery, keys, issuer, true);
    }

    /** Runs {@code action} whenever the OIDC provider's answer changes (to re-render every model). */
    void onProviderChange(Runnable action) {
        discovery.onChange(issuer -> action.run());
    }

    @Override
    public AccessInputs accessFor(LLMModel model) {
        return accessFor(ModelRef.of(model));
    }

    @Override
    public AccessInputs accessFor(PassthroughModel model) {
        return accessFor(ModelRef.of(model));
    }

    private AccessInputs accessFor(ModelRef ref) {
        var issuer = this.issuer.get();
        // The first answer is awaited even by the reconciler (one fetch, at most its 5 s timeout): without it, the
        // reconciles right after a start would find the internal endpoint withheld and flap every model's status.
        var found = issuer.isBlank() ? java.util.Optional.<OidcDiscovery.DiscoveredIssuer>empty()
                : waitForIssuer || !discovery.answered(issuer) ? discovery.current(issuer).or(() -> discovery.discover(issuer))
                : discovery.current(issuer);
        var oidc = found.map(f -> new AccessInputs.OidcProvider(f.issuer(), f.jwksUri())).orElse(null);
        if (keys == null) {
            return new AccessInputs(List.of(), List.of(), oidc);
        }
        keys.awaitListed(KEYS_LISTED);
        var secrets = keys.credentialSecretNames(ref);
        var clientIds = keys.clientIds(ref).stream().map(ClientId::value).toList();
        return new AccessInputs(secrets, clientIds, oidc);
    }
}
