package dev.nebari.llm.download.hub;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user and password of a proxy URL ({@code http://user:password@proxy:3128}). Its {@code toString()} redacts the
 * password so it cannot leak into logs or messages.
 */
public final class ProxyCredentials {

    private final String user;
    private final String password;

    ProxyCredentials(String user, String password) {
        this.user = user;
        this.password = password;
    }

    public String user() {
        return user;
    }

    /** The {@code Proxy-Authorization} value: Basic, as curl and Python send for credentials in a proxy URL. */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ProxyCredentials[user=" + user + ", password redacted]";
    }
}
