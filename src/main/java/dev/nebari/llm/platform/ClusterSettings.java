package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the application reaches Kubernetes. Not a Helm value: in a cluster the service account is used; on a
 * laptop the usual kubeconfig lookup applies. (With no cluster at all, the {@code localcluster} module's settings
 * under the same prefix may start one: {@code cluster.embedded}.)
 *
 * @param kubeconfig explicit kubeconfig file (tests use this)
 */
@ConfigurationProperties("cluster")
public record ClusterSettings(@Nullable String kubeconfig) {

    // A String, not a Path: Spring converts a String to a Path as a resource location, which refuses "../x".

    public @Nullable Path kubeconfigPath() {
        return kubeconfig == null || kubeconfig.isBlank() ? null : Path.of(kubeconfig);
    }

    /** True when a cluster is configured: {@code cluster.kubeconfig}, or one that the usual lookup finds. */
    public boolean configured() {
        return kubeconfigPath() != null || usualLookupFindsOne();
    }

    /** True when the usual fabric8 lookup would find a cluster: in-cluster service account or a kubeconfig. */
    static boolean usualLookupFindsOne() {
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null
                && Files.exists(Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH))) {
            return true;
        }
        var kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return true;
        }
        if (System.getProperty("kubernetes.master") != null) {
            return true;
        }
        return Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }
}
