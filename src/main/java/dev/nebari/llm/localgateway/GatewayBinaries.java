package dev.nebari.llm.localgateway;

import dev.nebari.llm.localcluster.BuildScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-path binaries built by {@code scripts/gateway-test-binaries.sh}: Envoy AI Gateway's {@code aigw}, the
 * Envoy rate-limit service and Envoy itself; Redis comes from the operating system ({@code redis-server}).
 *
 * <p>Lookup order: {@code $NEBARI_GATEWAY_BINARIES} (a directory), then the script's cache directory
 * ({@code ~/.cache/nebari-llm-serving/gateway/<stack>}, or under {@code $NEBARI_GATEWAY_CACHE}).
 */
public record GatewayBinaries(Path directory, Path redisServer) {

    /** The stack the script pins; keep in step with scripts/gateway-test-binaries.sh. */
    public static final String AIGW_VERSION = "v1.0.0";
    public static final String ENVOY_GATEWAY_VERSION = "v1.8.3";
    /** Envoy Gateway v1.8.3's default Envoy: func-e looks for exactly this version and then downloads nothing. */
    public static final String ENVOY_VERSION = "1.38.3";
    static final String STACK = "aigw-" + AIGW_VERSION + "-eg-" + ENVOY_GATEWAY_VERSION + "-envoy-" + ENVOY_VERSION;

    static final List<String> BUILT = List.of("aigw", "ratelimit", "envoy");
    private static final Logger log = LoggerFactory.getLogger(GatewayBinaries.class);

    public Path aigw() {
        return directory.resolve("aigw");
    }

    public Path rateLimit() {
        return directory.resolve("ratelimit");
    }

    public Path envoy() {
        return directory.resolve("envoy");
    }

    /** Whether the binaries are there without building anything (the demo asks before it offers to build). */
    public static Optional<GatewayBinaries> locate() {
        var redis = findRedis();
        if (redis.isEmpty()) {
            return Optional.empty();
        }
        var configured = System.getenv("NEBARI_GATEWAY_BINARIES");
        var dir = configured != null && !configured.isBlank() ? Path.of(configured) : defaultCacheDirectory();
        var binaries = new GatewayBinaries(dir, redis.get());
        return binaries.isComplete() ? Optional.of(binaries) : Optional.empty();
    }

    /** Finds the binaries, building them (with progress on standard output) if needed; fails with instructions otherwise. */
    public static GatewayBinaries locateOrBuild() {
        var found = locate();
        if (found.isPresent()) {
            return found.get();
        }
        var redis = findRedis().orElseThrow(() -> new IllegalStateException(
                "redis-server is not installed; the gateway's global rate limits need it (Debian: apt-get install redis-server)"));
        var configured = System.getenv("NEBARI_GATEWAY_BINARIES");
        if (configured != null && !configured.isBlank()) {
            throw new IllegalStateException("$NEBARI_GATEWAY_BINARIES=" + configured + " does not hold " + BUILT);
        }
        var script = BuildScripts.find("scripts/gateway-test-binaries.sh").orElseThrow(() -> new IllegalStateException(
                "gateway binaries not found in " + defaultCacheDirectory()
                        + "; run scripts/gateway-test-binaries.sh from the repository, or set NEBARI_GATEWAY_BINARIES"));
        log.info("The gateway binaries (aigw {}, Envoy {}, rate-limit service) are missing; building them with {} "
                + "(a cold build takes 5-10 minutes on 2 cores)", AIGW_VERSION, ENVOY_VERSION, script);
        BuildScripts.run(script, "the gateway binaries");
        var built = new GatewayBinaries(defaultCacheDirectory(), redis);
        if (!built.isComplete()) {
            throw new IllegalStateException(script + " finished but " + built.directory() + " does not hold " + BUILT);
        }
        return built;
    }

    static Path defaultCacheDirectory() {
        var root = System.getenv("NEBARI_GATEWAY_CACHE");
        var base = root != null && !root.isBlank()
                ? Path.of(root)
                : Path.of(System.getProperty("user.home"), ".cache", "nebari-llm-serving", "gateway");
        return base.resolve(STACK);
    }

    private boolean isComplete() {
        return BUILT.stream().allMatch(name -> Files.isExecutable(directory.resolve(name)));
    }

    private static Optional<Path> findRedis() {
        return onPath("redis-server");
    }

    /** An executable from the operating system's packages ({@code /usr/bin} and friends), or on {@code $PATH}. */
    static Optional<Path> onPath(String name) {
        for (var dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        var path = System.getenv("PATH");
        if (path != null) {
            for (var dir : path.split(":")) {
                var candidate = Path.of(dir, name);
                if (!dir.isBlank() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
