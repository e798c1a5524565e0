package dev.nebari.llm.identity;

import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Finds the portal's OIDC client at start-up: {@code portal.login.clientId} (and secret) when set, otherwise keys
 * {@code client-id} and {@code client-secret} of the NebariApp's Secret ({@code auth.oidc.nebariAppSecretName}),
 * which nebari-operator fills when it provisions the client in Keycloak.
 */
public final class OidcLoginClientResolver {

    static final String CLIENT_ID_KEY = "client-id";
    static final String CLIENT_SECRET_KEY = "client-secret";
    private static final String PURPOSE = "No OIDC client for the portal's login";
    private static final String REMEDY = "set portal.login.clientId (and clientSecret)";

    private OidcLoginClientResolver() {
    }

    public static OidcLoginClient resolve(LoginClientSettings login, PackSettings.Oidc oidc, KubernetesClient client,
            String namespace) {
        if (!login.clientId().isBlank()) {
            return new OidcLoginClient(login.clientId().strip(), login.clientSecret().strip(), "portal.login.clientId");
        }
        var secretName = oidc.nebariAppSecretName();
        if (secretName.isBlank()) {
            throw new IllegalStateException(PURPOSE + ": " + REMEDY + ", or auth.oidc.nebariAppSecretName to the Secret "
                    + "nebari-operator provisions for the portal's NebariApp (keys " + CLIENT_ID_KEY + ", " + CLIENT_SECRET_KEY + ")");
        }
        var secret = NebariAppSecret.read(client, namespace, secretName, PURPOSE, REMEDY);
        var clientId = secret.value(CLIENT_ID_KEY);
        if (clientId.isBlank()) {
            throw new IllegalStateException(PURPOSE + ": " + secret.where() + " has no " + CLIENT_ID_KEY + " entry; "
                    + REMEDY + " or check the NebariApp");
        }
        return new OidcLoginClient(clientId, secret.value(CLIENT_SECRET_KEY), secret.where());
    }
}
