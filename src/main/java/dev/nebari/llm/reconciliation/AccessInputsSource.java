package dev.nebari.llm.reconciliation;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.platform.PackSettings;
import java.util.List;

/**
 * Gathers the inputs the gateway renderers need besides the model: the OIDC provider (issuer and the JWKS URI
 * from its discovery document) and the API-key Secrets and client ids. Until the keys module publishes key
 * Secrets, no keys exist, so the external policy denies everyone (which is the safe default). The issuer lookup
 * never blocks: until it has answered, the internal endpoint is withheld, and the models are reconciled again when
 * the answer arrives.
 */
class AccessInputsSource {

    private final PackSettings settings;
    private final OidcDiscovery discovery;

    AccessInputsSource(PackSettings settings, OidcDiscovery discovery) {
        this.settings = settings;
        this.discovery = discovery;
    }

    /** Runs {@code action} whenever the OIDC provider's answer changes (to re-render every model). */
    void onProviderChange(Runnable action) {
        discovery.onChange(issuer -> action.run());
    }

    AccessInputs forModel(LLMModel model) {
        var issuer = settings.auth().oidc().issuerURL();
        var oidc = issuer.isBlank() ? null : discovery.current(issuer)
                .map(found -> new AccessInputs.OidcProvider(found.issuer(), found.jwksUri()))
                .orElse(null);
        return new AccessInputs(List.of(), List.of(), oidc);
    }
}
