package dev.nebari.llm.serving;

import static dev.nebari.llm.serving.ServingFacts.*;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a model's pods reach the Hugging Face Hub in mirrored and air-gapped clusters: which endpoint (the model's
 * {@code spec.model.hubEndpoint}, else the pack's {@code defaults.hub.endpoint}), through which HTTP proxy
 * ({@code defaults.proxy}), trusting which private CAs besides the public ones ({@code defaults.trustedCA}).
 *
 * <p>The downloader gets all of it. vLLM gets the proxy and the CAs always (it may fetch from the Hub at run time) and
 * the endpoint when it downloads the weights itself (preload off). Proxy variables are set in both spellings:
 * curl reads {@code http_proxy} only in lower case, Python's requests and the Go tools prefer either.
 */
final class HubAccess {

    private HubAccess() {
    }

    /** The Hub endpoint of a Hugging Face model, when it is not the public Hub. */
    static Optional<String> endpoint(LLMModel model, PackSettings settings) {
        var spec = model.getSpec().model();
        // An OCI model's Hugging Face adapters still come from the Hub (the pack's endpoint: an OCI model has none).
        if (spec.source() != ModelSource.HUGGINGFACE
                && model.getSpec().adapters().stream().noneMatch(adapter -> adapter.source() == ModelSource.HUGGINGFACE)) {
            return Optional.empty();
        }
        if (spec.hubEndpoint() != null) {
            return Optional.of(spec.hubEndpoint());
        }
        var pack = settings.defaults().hub().endpoint();
        return pack.isBlank() ? Optional.empty() : Optional.of(pack);
    }

    /** {@code HF_ENDPOINT}, for a container that downloads from the Hub. */
    static List<EnvVar> endpointEnv(LLMModel model, PackSettings settings) {
        return endpoint(model, settings).map(url -> List.of(variable(HF_ENDPOINT, url))).orElse(List.of());
    }

    /** The proxy and CA variables every container of the model pod that may talk to the Hub gets. */
    static List<EnvVar> networkEnv(PackSettings settings) {
        var env = new ArrayList<EnvVar>();
        var proxy = settings.defaults().proxy();
        both(env, "HTTP_PROXY", proxy.httpProxy());
        both(env, "HTTPS_PROXY", proxy.httpsProxy());
        both(env, "NO_PROXY", proxy.noProxy());
        if (settings.defaults().trustedCA().isConfigured()) {
            var file = TRUSTED_CA_DIR + "/" + TRUSTED_CA_FILE;
            // OpenSSL, Python's ssl and httpx read SSL_CERT_FILE; requests reads REQUESTS_CA_BUNDLE; the downloader
            // reads SSL_CERT_FILE and adds it to the JDK's CAs (Python clients use it instead of theirs).
            env.add(variable("SSL_CERT_FILE", file));
            env.add(variable("REQUESTS_CA_BUNDLE", file));
        }
        return env;
    }

    /** The trusted CA bundle's volume: the ConfigMap the operator renders, or the admin's own. */
    static Optional<Volume> trustedCaVolume(LLMModel model, PackSettings settings) {
        var trusted = settings.defaults().trustedCA();
        if (!trusted.isConfigured()) {
            return Optional.empty();
        }
        var rendered = !trusted.bundle().isBlank();
        var name = rendered ? ModelObjects.of(model).trustedCa() : trusted.configMapName();
        var key = rendered ? TRUSTED_CA_FILE : trusted.configMapKey();
        return Optional.of(new VolumeBuilder()
                .withName(TRUSTED_CA_VOLUME)
                .withNewConfigMap().withName(name).addNewItem().withKey(key).withPath(TRUSTED_CA_FILE).endItem().endConfigMap()
                .build());
    }

    static Optional<VolumeMount> trustedCaMount(PackSettings settings) {
        if (!settings.defaults().trustedCA().isConfigured()) {
            return Optional.empty();
        }
        return Optional.of(new VolumeMountBuilder().withName(TRUSTED_CA_VOLUME).withMountPath(TRUSTED_CA_DIR).withReadOnly(true).build());
    }

    /**
     * The ConfigMap {@code <m>-trusted-ca} with {@code defaults.trustedCA.bundle}, in the model's namespace because a
     * pod can mount only ConfigMaps of its own namespace. None when the bundle is unset (none needed, or the admin's
     * ConfigMap is used).
     */
    static Optional<ConfigMap> trustedCaBundle(LLMModel model, PackSettings settings) {
        var bundle = settings.defaults().trustedCA().bundle();
        if (bundle.isBlank()) {
            return Optional.empty();
        }
        var names = ModelObjects.of(model);
        return Optional.of(new ConfigMapBuilder()
                .withMetadata(WorkloadRenderer.metadata(names, names.trustedCa()))
                .withData(Map.of(TRUSTED_CA_FILE, bundle.strip() + "\n"))
                .build());
    }

    private static void both(List<EnvVar> env, String name, String value) {
        if (!value.isBlank()) {
            env.add(variable(name, value.strip()));
            env.add(variable(name.toLowerCase(java.util.Locale.ROOT), value.strip()));
        }
    }

    private static EnvVar variable(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}
