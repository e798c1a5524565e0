package dev.nebari.llm.identity;

import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Finds the issuer at start-up: {@code auth.oidc.issuerURL} when set, otherwise key {@code issuer-url} of the Secret
 * that nebari-operator provisions for the portal's NebariApp ({@code auth.oidc.nebariAppSecretName}) in the
 * application's namespace. Without either the portal cannot check a single token, so start-up fails with a message
 * that says what to set.
 */
public final class OidcIssuerResolver {

    static final String ISSUER_KEY = "issuer-url";
    private static final String PURPOSE = "No OIDC issuer";
    private static final String REMEDY = "set auth.oidc.issuerURL";

    private OidcIssuerResolver() {
    }

    public static OidcIssuer resolve(PackSettings.Oidc oidc, KubernetesClient client, String namespace) {
        if (!oidc.issuerURL().isBlank()) {
            return new OidcIssuer(oidc.issuerURL(), "auth.oidc.issuerURL");
        }
        var secretName = oidc.nebariAppSecretName();
        if (secretName.isBlank()) {
            throw new IllegalStateException(PURPOSE + ": set auth.oidc.issuerURL, or auth.oidc.nebariAppSecretName to the "
                    + "Secret nebari-operator provisions for the portal's NebariApp (key " + ISSUER_KEY + ")");
        }
        var secret = NebariAppSecret.read(client, namespace, secretName, PURPOSE, REMEDY);
        var value = secret.value(ISSUER_KEY);
        if (value.isBlank()) {
            throw new IllegalStateException(PURPOSE + ": " + secret.where() + " has no " + ISSUER_KEY + " entry; "
                    + REMEDY + " or check the NebariApp");
        }
        return new OidcIssuer(value, secret.where());
    }
}
