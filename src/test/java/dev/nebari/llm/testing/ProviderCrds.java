package dev.nebari.llm.testing;

import dev.nebari.llm.localcluster.CrdInstaller;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The two CRDs an external provider needs that the tested upstream set (../shared/crds) leaves out: AI Gateway's
 * BackendSecurityPolicy and Gateway API's BackendTLSPolicy. Read from the Go module cache, where
 * scripts/gateway-test-binaries.sh downloaded the very modules the data-path gateway is built from (AI Gateway
 * v1.0.0, and the Gateway API v1.5.1 it compiles against); nothing is copied into the repository.
 */
public final class ProviderCrds {

    static final Path MODULE_CACHE = Path.of(System.getenv().getOrDefault("GOMODCACHE",
            System.getProperty("user.home") + "/go/pkg/mod"));
    public static final List<Path> FILES = List.of(
            MODULE_CACHE.resolve("github.com/envoyproxy/ai-gateway@v1.0.0/manifests/charts/ai-gateway-crds-helm/templates/aigateway.envoyproxy.io_backendsecuritypolicies.yaml"),
            MODULE_CACHE.resolve("sigs.k8s.io/gateway-api@v1.5.1/config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml"));

    private ProviderCrds() {
    }

    /** Installs both (idempotent); skips the test, or fails it in CI, when the module cache lacks them. */
    public static void install(KubernetesClient client) {
        for (var file : FILES) {
            MissingParts.require(Files.isRegularFile(file), file + " (run scripts/gateway-test-binaries.sh)");
        }
        var installer = new CrdInstaller(client);
        FILES.forEach(installer::install);
    }
}
