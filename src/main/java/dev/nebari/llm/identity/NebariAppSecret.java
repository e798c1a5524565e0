package dev.nebari.llm.identity;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The Secret that nebari-operator provisions for the portal's NebariApp: {@code issuer-url}, {@code client-id} and
 * {@code client-secret}. Read once at start-up; nebari-operator does not move a client under a running app, and a
 * restart picks up a new one. The values are never logged.
 */
final class NebariAppSecret {

    private final Map<String, String> values;
    private final String where;

    private NebariAppSecret(Map<String, String> values, String where) {
        this.values = values;
        this.where = where;
    }

    /**
     * @param purpose what the caller needs the Secret for, to start error messages with ("No OIDC issuer")
     * @param remedy  what an admin can set instead, to end them with
     */
    static NebariAppSecret read(KubernetesClient client, String namespace, String name, String purpose, String remedy) {
        var where = "Secret " + namespace + "/" + name;
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(purpose + ": cannot read " + where + " (HTTP " + e.getCode() + "); " + remedy
                    + " or grant the portal get on that Secret", e);
        }
        if (secret == null) {
            throw new IllegalStateException(purpose + ": " + where + " does not exist; " + remedy + " or check the NebariApp");
        }
        return new NebariAppSecret(decode(secret), where);
    }

    /** The value under {@code key}, stripped; empty when absent. */
    String value(String key) {
        return values.getOrDefault(key, "").strip();
    }

    String where() {
        return where;
    }

    private static Map<String, String> decode(Secret secret) {
        var decoded = new java.util.HashMap<String, String>();
        if (secret.getStringData() != null) {
            decoded.putAll(secret.getStringData());
        }
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) ->
                    decoded.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        }
        return Map.copyOf(decoded);
    }

    @Override
    public String toString() {
        return "NebariAppSecret[" + where + "]";
    }
}
