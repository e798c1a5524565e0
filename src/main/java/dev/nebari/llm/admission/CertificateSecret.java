package dev.nebari.llm.admission;

import dev.nebari.llm.model.ModelObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The Secret that holds the webhook's certificates, so that every replica serves the same one and a restart keeps
 * it. Writes are conditional: create fails if another replica created it first, and an update carries the
 * resourceVersion it was based on, so two writers can never silently overwrite each other.
 */
final class CertificateSecret {

    /** What the Secret holds now. */
    record Stored(@Nullable String resourceVersion, Optional<WebhookCertificates> certificates) {
        static final Stored ABSENT = new Stored(null, Optional.empty());

        boolean exists() {
            return resourceVersion != null;
        }
    }

    /** The value of {@link ModelObjects#COMPONENT} on the Secret. */
    static final String COMPONENT = "admission-webhook";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    CertificateSecret(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    Stored read() {
        var secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            return Stored.ABSENT;
        }
        var decoded = new TreeMap<String, String>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> decoded.put(key,
                    new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        }
        return new Stored(secret.getMetadata().getResourceVersion(), WebhookCertificates.fromSecretData(decoded));
    }

    /** Creates the Secret; false when another replica was first (read it again to use theirs). */
    boolean create(WebhookCertificates certificates) {
        try {
            client.secrets().inNamespace(namespace).resource(secret(certificates, null)).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces the Secret's data if it is still at {@code resourceVersion}; false when someone changed it since. */
    boolean replace(WebhookCertificates certificates, String resourceVersion) {
        try {
            client.secrets().inNamespace(namespace).resource(secret(certificates, resourceVersion)).update();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    private Secret secret(WebhookCertificates certificates, @Nullable String resourceVersion) {
        var data = new TreeMap<String, String>();
        certificates.toSecretData().forEach((key, value) ->
                data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withResourceVersion(resourceVersion)
                .withLabels(Map.of(ModelObjects.MANAGED_BY, ModelObjects.PACK, ModelObjects.PART_OF, ModelObjects.PACK,
                        ModelObjects.COMPONENT, COMPONENT))
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(data)
                .build();
    }
}
