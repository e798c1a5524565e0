package dev.nebari.llm.localcluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Kubernetes control-plane binaries built by {@code scripts/k8s-test-binaries.sh}, building them with
 * that script when they are missing and Go is available.
 *
 * <p>Lookup order: {@code $NEBARI_K8S_BINARIES} (a directory), then the script's cache directory
 * ({@code ~/.cache/nebari-llm-serving/k8s/<version>}, or under {@code $NEBARI_K8S_CACHE}).
 */
public record KubernetesBinaries(Path directory) {

    /** The Kubernetes version the script pins; keep in step with scripts/k8s-test-binaries.sh. */
    public static final String VERSION = "v1.35.4";

    static final List<String> CONTROL_PLANE = List.of("etcd", "kube-apiserver");
    static final List<String> CONTROLLERS = List.of("kube-controller-manager", "kube-scheduler", "kwok");
    static final List<String> TOOLS = List.of("kubectl");

    private static final Logger log = LoggerFactory.getLogger(KubernetesBinaries.class);

    public Path etcd() {
        return directory.resolve("etcd");
    }

    public Path apiServer() {
        return directory.resolve("kube-apiserver");
    }

    public Path controllerManager() {
        return directory.resolve("kube-controller-manager");
    }

    public Path scheduler() {
        return directory.resolve("kube-scheduler");
    }

    public Path kwok() {
        return directory.resolve("kwok");
    }

    public Path kubectl() {
        return directory.resolve("kubectl");
    }

    public boolean hasControllers() {
        return CONTROLLERS.stream().allMatch(name -> Files.isExecutable(directory.resolve(name)));
    }

    /** Finds the binaries, building them if needed; fails with instructions when that is impossible. */
    public static KubernetesBinaries locateOrBuild() {
        var configured = System.getenv("NEBARI_K8S_BINARIES");
        if (configured != null && !configured.isBlank()) {
            return requireComplete(new KubernetesBinaries(Path.of(configured)), "$NEBARI_K8S_BINARIES");
        }
        var cached = new KubernetesBinaries(defaultCacheDirectory());
        if (cached.isComplete()) {
            return cached;
        }
        var script = BuildScripts.find("scripts/k8s-test-binaries.sh").orElseThrow(() -> new IllegalStateException(
                "Kubernetes test binaries not found in " + cached.directory()
                        + "; run scripts/k8s-test-binaries.sh from the repository, or set NEBARI_K8S_BINARIES"));
        log.info("Kubernetes {} binaries are missing; building them with {} (a cold build takes 10-20 minutes)",
                VERSION, script);
        BuildScripts.run(script, "the Kubernetes binaries");
        return requireComplete(cached, "the build script's cache");
    }

    static Path defaultCacheDirectory() {
        var root = System.getenv("NEBARI_K8S_CACHE");
        var base = root != null && !root.isBlank()
                ? Path.of(root)
                : Path.of(System.getProperty("user.home"), ".cache", "nebari-llm-serving", "k8s");
        return base.resolve(VERSION);
    }

    private boolean isComplete() {
        return java.util.stream.Stream.of(CONTROL_PLANE, CONTROLLERS, TOOLS).flatMap(List::stream)
                .allMatch(name -> Files.isExecutable(directory.resolve(name)));
    }

    private static KubernetesBinaries requireComplete(KubernetesBinaries binaries, String where) {
        for (var name : CONTROL_PLANE) {
            if (!Files.isExecutable(binaries.directory().resolve(name))) {
                throw new IllegalStateException(name + " is missing in " + binaries.directory() + " (" + where
                        + "); run scripts/k8s-test-binaries.sh");
            }
        }
        return binaries;
    }
}
