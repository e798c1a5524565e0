package dev.nebari.llm.gateway;

import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway renderers need that is not in the LLMModel or the settings: observed by the reconciler and
 * passed in, so rendering stays pure.
 *
 * @param keySecretNames the model's key Secrets (in the keys namespace), which its external policy authenticates
 *                       against; in shared routing mode every key is first checked once by the pack's
 *                       key-check route ({@link KeyCheckRouteRenderer})
 * @param clientIds      client ids of this model's keys (the external allow-list; none means deny everyone)
 * @param oidc           the resolved OIDC provider; null when it is not known yet, which withholds the internal
 *                       endpoint rather than expose it without authentication
 */
public record AccessInputs(List<String> keySecretNames, List<String> clientIds, @Nullable OidcProvider oidc) {

    /** Issuer and JWKS URI; the reconciler reads {@code jwks_uri} from the issuer's discovery document. */
    public record OidcProvider(String issuer, String jwksUri) {
    }

    public static final AccessInputs NONE = new AccessInputs(List.of(), List.of(), null);

    /** Sorted and de-duplicated, so the same keys always render the same policy (and cost no write). */
    public AccessInputs {
        keySecretNames = List.copyOf(new TreeSet<>(keySecretNames));
        clientIds = List.copyOf(new TreeSet<>(clientIds));
    }
}
