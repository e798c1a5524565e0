package dev.nebari.llm.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The portal's OIDC client when it does not come from the NebariApp's Secret: local runs, tests, or a provider
 * nebari-operator does not provision (Helm: {@code auth.oidc.nebariAppSecretName} can also name any Secret with
 * keys {@code client-id} and {@code client-secret}).
 *
 * @param clientId     empty: read {@code client-id} from the NebariApp's Secret
 * @param clientSecret empty with a configured client id: a public client (PKCE only)
 */
@ConfigurationProperties("portal.login")
public record LoginClientSettings(@DefaultValue("") String clientId, @DefaultValue("") String clientSecret) {

    @Override
    public String toString() {
        return "LoginClientSettings[clientId=" + clientId + ", clientSecret=(redacted)]";
    }
}
