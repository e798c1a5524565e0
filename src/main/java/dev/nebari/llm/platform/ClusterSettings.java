package dev.nebari.llm.platform;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the application reaches Kubernetes. Not a Helm value: in a cluster the service account is used; on a
 * laptop the usual kubeconfig lookup applies; with no cluster at all an embedded control plane is started.
 *
 * @param kubeconfig explicit kubeconfig file (tests use this)
 * @param embedded   {@code auto} (embedded only when no cluster is configured), {@code always} or {@code never}
 * @param crdsDir    upstream CRDs to install into the embedded control plane (e.g. ../shared/crds), if present
 */
@ConfigurationProperties("cluster")
public record ClusterSettings(
        @Nullable Path kubeconfig,
        @DefaultValue("auto") EmbeddedMode embedded,
        @Nullable Path crdsDir) {

    public enum EmbeddedMode { AUTO, ALWAYS, NEVER }
}
