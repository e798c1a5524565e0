package dev.nebari.llm.identity;

import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Finds the issuer at start-up: {@code auth.oidc.issuerURL} when set, otherwise key {@code issuer-url} of the Secret
 * that nebari-operator provisions for the portal's NebariApp ({@code auth.oidc.nebariAppSecretName}) in the
 * application's namespace. It is read once: nebari-operator does not move an issuer under a running app, and a
 * restart picks up a new one. Without either the portal cannot check a single token, so start-up fails with a
 * message that says what to set.
 */
public final class OidcIssuerResolver {

    static final String ISSUER_KEY = "issuer-url";

    private OidcIssuerResolver() {
    }

    public static OidcIssuer resolve(PackSettings.Oidc oidc, KubernetesClient client, String namespace) {
        if (!oidc.issuerURL().isBlank()) {
            return new OidcIssuer(oidc.issuerURL(), "auth.oidc.issuerURL");
        }
        var secretName = oidc.nebariAppSecretName();
        if (secretName.isBlank()) {
            throw new IllegalStateException("No OIDC issuer: set auth.oidc.issuerURL, or auth.oidc.nebariAppSecretName to the "
                    + "Secret nebari-operator provisions for the portal's NebariApp (key " + ISSUER_KEY + ")");
        }
        var where = "Secret " + namespace + "/" + secretName;
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("No OIDC issuer: cannot read " + where + " (HTTP " + e.getCode()
                    + "); set auth.oidc.issuerURL or grant the portal get on that Secret", e);
        }
        if (secret == null) {
            throw new IllegalStateException("No OIDC issuer: auth.oidc.issuerURL is empty and " + where
                    + " does not exist; set auth.oidc.issuerURL or check the NebariApp");
        }
        var value = issuerValue(secret);
        if (value.isBlank()) {
            throw new IllegalStateException("No OIDC issuer: " + where + " has no " + ISSUER_KEY
                    + " entry; set auth.oidc.issuerURL or check the NebariApp");
        }
        return new OidcIssuer(value, where);
    }

    private static String issuerValue(Secret secret) {
        if (secret.getData() != null && secret.getData().get(ISSUER_KEY) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(ISSUER_KEY)), StandardCharsets.UTF_8).strip();
        }
        if (secret.getStringData() != null && secret.getStringData().get(ISSUER_KEY) != null) {
            return secret.getStringData().get(ISSUER_KEY).strip();
        }
        return "";
    }
}
