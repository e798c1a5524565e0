package dev.nebari.llm.localcluster;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When this process starts its own cluster, and what goes into it. Not a Helm value (the chart sets
 * {@code cluster.embedded=never}); the prefix is the one of {@link dev.nebari.llm.platform.ClusterSettings}, which
 * holds {@code cluster.kubeconfig}.
 *
 * @param embedded   {@code auto} (embedded only when no cluster is configured), {@code always} or {@code never}
 * @param crdsDir    upstream CRDs to install into the embedded control plane (e.g. ../shared/crds), if present
 * @param crdUrls    where to fetch the upstream CRDs from when {@code crdsDir} is unset or absent (their release
 *                   URLs; fetched files are cached, see {@link UpstreamCrdDownloads})
 * @param embeddedControllers with the embedded control plane, also simulate a cluster that runs workloads:
 *                   kube-controller-manager, kube-scheduler, KWOK with a fake GPU node, a volume provisioner and
 *                   stand-ins for the gateway controllers (the local demo turns this on; no effect on a real cluster)
 */
@ConfigurationProperties("cluster")
public record EmbeddedClusterSettings(
        @DefaultValue("auto") EmbeddedMode embedded,
        @Nullable String crdsDir,
        @Nullable List<String> crdUrls,
        @DefaultValue("false") boolean embeddedControllers) {

    // Strings, not Paths: Spring converts a String to a Path as a resource location, which refuses "../x".

    public @Nullable Path crdsPath() {
        return crdsDir == null || crdsDir.isBlank() ? null : Path.of(crdsDir);
    }

    public List<URI> crdUris() {
        return crdUrls == null ? List.of() : crdUrls.stream().filter(u -> !u.isBlank()).map(URI::create).toList();
    }

    public enum EmbeddedMode { AUTO, ALWAYS, NEVER }
}
