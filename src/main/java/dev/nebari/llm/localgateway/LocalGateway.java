package dev.nebari.llm.localgateway;

import dev.nebari.llm.gateway.GatewayFacts;
import dev.nebari.llm.localcluster.ManagedProcess;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Envoy AI Gateway on this machine, fed with what the operator applied to the API server: Redis, the Envoy
 * rate-limit service and {@code aigw} (Envoy Gateway in process, Envoy as its child), plus one simulated model
 * server per model Deployment. A feeder thread follows the API server and keeps {@code aigw}'s input current:
 * policies, grants and key Secrets are rewritten in its watched folder (effective within a second or two), and a
 * change of routes restarts {@code aigw} (it translates AIGatewayRoutes only when it starts; about three seconds).
 *
 * <p>One per machine at a time ({@link MachineLock}): {@code aigw} binds fixed ports.
 */
public final class LocalGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalGateway.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final String READY_LINE = "Envoy AI Gateway listening on";
    /**
     * AI Gateway's extension server logs this once per Envoy Gateway translation (aigw v1.0.0,
     * post_translate_modify.go): the feeder writes the next change only once the last one was translated, so a burst
     * of changes becomes one reload instead of a queue of reloads that Envoy Gateway would work through one by one.
     */
    private static final String TRANSLATED_LINE = "Added extproc-uds cluster to the list of clusters";
    private static final Duration LONGEST_TRANSLATION_WAIT = Duration.ofSeconds(20);
    /** The ports aigw (v1.0.0 with Envoy Gateway v1.8.3) binds whatever its configuration says. */
    static final List<Integer> FIXED_PORTS = List.of(1061, 18000, 18001, 19000);

    /**
     * @param withHostnames listeners answer only for the hosts a production Gateway has ({@code llm.<baseDomain>}
     *                      and so on); without, any host (so {@code http://localhost:<port>} works)
     * @param externalPort  0 for a free port
     * @param internalPort  0 for a free port
     * @param namespaces    the model namespaces whose objects feed the gateway; empty for all
     * @param prometheusPort where a local Prometheus scraping the gateway's token counts listens (0 for a free port),
     *                      or {@link #NO_PROMETHEUS}
     */
    public record Options(boolean withHostnames, int externalPort, int internalPort, java.util.Set<String> namespaces,
            int prometheusPort) {

        public static final int NO_PROMETHEUS = -1;

        public Options {
            namespaces = java.util.Set.copyOf(namespaces);
        }

        /** Production hostnames on free ports, fed from {@code namespaces} only, without Prometheus. */
        public static Options forTests(String... namespaces) {
            return new Options(true, 0, 0, java.util.Set.of(namespaces), NO_PROMETHEUS);
        }

        public Options withPrometheusPort(int port) {
            return new Options(withHostnames, externalPort, internalPort, namespaces, port);
        }
    }

    private final KubernetesClient client;
    private final PackSettings settings;
    private final GatewayBinaries binaries;
    private final MachineLock lock;
    private final Path work;
    private final GatewayLayout layout;
    private final SimulatedModelServers models = new SimulatedModelServers();
    private final Object changed = new Object();
    private final Thread feeder;
    private final PackWatcher watcher;
    private @Nullable ManagedProcess redis;
    private @Nullable ManagedProcess rateLimit;
    private @Nullable ManagedProcess aigw;
    private @Nullable LocalPrometheus prometheus;
    /**
     * aigw's own admin server ({@code /metrics} with AI Gateway's token counts); one port for every aigw run, so a
     * Prometheus scraping it follows the restarts (the counters restart with aigw, which Prometheus allows for).
     */
    private final int metricsPort;
    private final HeldPorts heldPorts;
    private int runs;
    private volatile boolean dirty = true;
    private volatile boolean closed;
    /** What aigw was started with, and what its watched folder holds. */
    private @Nullable String runningStartupDigest;
    private @Nullable String writtenLive;
    private @Nullable Path liveFile;
    private @Nullable LogLines aigwLog;
    private long translationsAtLastWrite;
    private long lastWriteNanos;
    /** How long the last translation took; a write that changes nothing Envoy sees is never translated at all. */
    private Duration lastTranslation = Duration.ofSeconds(1);
    /** The change the feeder handed to the gateway last, and the latest change seen (1: the first state to feed). */
    private volatile long fedGeneration;
    private volatile long changeGeneration = 1;
    private volatile @Nullable RuntimeException failure;

    private LocalGateway(KubernetesClient client, PackSettings settings, GatewayBinaries binaries, MachineLock lock,
            HeldPorts heldPorts,
            Path work, GatewayLayout layout, java.util.Set<String> namespaces) {
        this.client = client;
        this.settings = settings;
        this.binaries = binaries;
        this.lock = lock;
        this.work = work;
        this.layout = layout;
        this.heldPorts = heldPorts;
        this.metricsPort = heldPorts.any();
        this.watcher = new PackWatcher(client, settings.apiKeysNamespace(), namespaces, this::signal);
        this.feeder = Thread.ofPlatform().daemon().name("local-gateway-feeder").unstarted(this::feed);
    }

    /** Starts the gateway, following {@code client}'s API server, and returns once Envoy serves the current state. */
    public static LocalGateway start(KubernetesClient client, PackSettings settings, GatewayBinaries binaries, Options options) {
        var lock = MachineLock.acquire(Duration.ofMinutes(10));
        var heldPorts = new HeldPorts();
        try {
            var work = Files.createTempDirectory("nebari-local-gateway-");
            var layout = GatewayLayout.of(settings, options.withHostnames(), heldPorts.hold(options.externalPort()),
                    heldPorts.hold(options.internalPort()), heldPorts.any(), heldPorts.any());
            var gateway = new LocalGateway(client, settings, binaries, lock, heldPorts, work, layout,
                    options.namespaces());
            try {
                gateway.startRedis();
                if (options.prometheusPort() != Options.NO_PROMETHEUS) {
                    gateway.startPrometheus(heldPorts.hold(options.prometheusPort()));
                }
                gateway.feeder.start();
                gateway.awaitFed(READY_TIMEOUT);
                log.info("Local gateway ready: external http://127.0.0.1:{}, internal http://127.0.0.1:{} (logs in {})",
                        layout.externalPort(), layout.internalPort(), work);
                return gateway;
            } catch (RuntimeException e) {
                gateway.close();
                throw e;
            }
        } catch (IOException e) {
            heldPorts.close();
            lock.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            heldPorts.close();
            lock.close();
            throw e;
        }
    }

    public GatewayLayout layout() {
        return layout;
    }

    /** The external listener (API keys), e.g. {@code http://127.0.0.1:41234}. */
    public URI externalUrl() {
        return URI.create("http://127.0.0.1:" + layout.externalPort());
    }

    /** The internal listener (OIDC JWTs). */
    public URI internalUrl() {
        return URI.create("http://127.0.0.1:" + layout.internalPort());
    }

    /** Where the processes' logs and the gateway's input files are. */
    public Path workDirectory() {
        return work;
    }

    /** Envoy's admin interface (config dump, stats) of the running aigw, once it runs. */
    public synchronized Optional<URI> envoyAdmin() {
        if (aigw == null) {
            return Optional.empty();
        }
        var file = work.resolve("aigw-home/run/run-" + runs + "/admin-address.txt");
        try {
            return Files.exists(file) ? Optional.of(URI.create("http://" + Files.readString(file).strip())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Envoy's access log entries (one JSON object per line, Envoy Gateway's default format: response code and its
     * details, route, upstream cluster) of every aigw run so far that {@code select} keeps, oldest run first: what a
     * test names when a request got an answer it did not expect. An answer is in the log as soon as it is sent.
     */
    public List<String> accessLog(Predicate<String> select) {
        var runsDirectory = work.resolve("aigw-home/state/envoy-runs");
        if (!Files.isDirectory(runsDirectory)) {
            return List.of();
        }
        try (var runDirectories = Files.list(runsDirectory)) {
            var selected = new ArrayList<String>();
            for (var run : runDirectories.sorted(Comparator.comparingInt(LocalGateway::runNumber)).toList()) {
                var log = run.resolve("stdout.log");
                if (Files.exists(log)) {
                    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                        lines.filter(select).forEach(line -> selected.add(run.getFileName() + " " + line));
                    }
                }
            }
            return selected;
        } catch (IOException | UncheckedIOException e) {
            return List.of("(Envoy's access log could not be read: " + e + ")");
        }
    }

    private static int runNumber(Path runDirectory) {
        var name = runDirectory.getFileName().toString();
        var number = name.startsWith("run-") ? name.substring(4) : "";
        return !number.isEmpty() && number.chars().allMatch(Character::isDigit) ? Integer.parseInt(number) : 0;
    }

    /** Whether a local Prometheus can run here (usage per key needs one). */
    public static boolean prometheusInstalled() {
        return LocalPrometheus.locate().isPresent();
    }

    /** The local Prometheus scraping aigw's metrics (token counts per client id), when the options asked for one. */
    public Optional<URI> prometheusUrl() {
        var running = prometheus;
        return running == null ? Optional.empty() : Optional.of(running.url());
    }

    /** The simulated server of a model's Deployment ({@code <model>} in the model's namespace), once it runs: its first replica's. */
    public Optional<SimulatedModelServer> modelServer(String namespace, String deployment) {
        return models.servers(namespace, deployment).stream().findFirst();
    }

    /** The simulated servers of a model's Deployment, one per replica, in replica order (empty before it runs). */
    public List<SimulatedModelServer> modelServers(String namespace, String deployment) {
        return models.servers(namespace, deployment);
    }

    /**
     * Waits until everything the API server held when this was called has been handed to the gateway (and, when
     * routes changed, {@code aigw} has restarted and Envoy listens). Envoy Gateway applies a changed policy file a
     * second or two later; callers wait for the behaviour they expect.
     */
    public void awaitFed(Duration timeout) {
        var target = changeGeneration;
        var deadline = System.nanoTime() + timeout.toNanos();
        while (fedGeneration < target) {
            var problem = failure;
            if (problem != null) {
                throw new IllegalStateException("the local gateway failed: " + problem.getMessage(), problem);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the local gateway did not take the pack's state within " + timeout
                        + (aigw != null ? "; aigw log:\n" + aigw.tail() : ""));
            }
            sleep(20);
        }
    }

    /** How long Envoy Gateway took to translate the last change the feeder waited for; for the benchmark. */
    public synchronized Duration lastTranslationTime() {
        return lastTranslation;
    }

    /** How many times aigw was started (routes changed between starts); for tests and the benchmark. */
    public synchronized int starts() {
        return runs;
    }

    private void signal() {
        synchronized (changed) {
            changeGeneration++;
            dirty = true;
            changed.notifyAll();
        }
    }

    private void feed() {
        while (!closed) {
            long generation;
            synchronized (changed) {
                while (!dirty && !closed) {
                    try {
                        changed.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                dirty = false;
                generation = changeGeneration;
            }
            try {
                // Let a burst of changes (a model's dozen objects) arrive before acting on them.
                Thread.sleep(100);
                if (!watcher.hasSynced()) {
                    dirty = true;
                    continue;
                }
                apply();
                failure = null;
                fedGeneration = generation;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                failure = e;
                log.warn("Local gateway: {}; retrying", e.getMessage());
                dirty = true;
                sleep(1_000);
            }
        }
    }

    private synchronized void apply() {
        var ports = models.follow(watcher.deployments(), watcher.pools());
        var state = new GatewayFeed.PackState(watcher.routes(), watcher.policies(), watcher.grants(),
                watcher.keySecrets(), ports, watcher.providers(), watcher.secrets(), watcher.configMaps(),
                watcher.backends(), models.servicePorts(watcher.deployments(), watcher.services()));
        var files = GatewayFeed.render(layout, state);
        if (aigw == null || !aigw.isAlive() || !files.startupDigest().equals(runningStartupDigest)) {
            restartAigw(files);
        } else if (!files.live().equals(writtenLive)) {
            writeLive(files.live());
        }
    }

    private void restartAigw(GatewayFeed.Files files) {
        var started = System.nanoTime();
        stopAigw();
        runs++;
        var runId = "run-" + runs;
        try {
            var home = work.resolve("aigw-home");
            var envoyDir = home.resolve("data/envoy-versions/" + GatewayBinaries.ENVOY_VERSION + "/bin");
            Files.createDirectories(envoyDir);
            var link = envoyDir.resolve("envoy");
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // func-e downloads nothing when the version Envoy Gateway asks for is already here.
                Files.createSymbolicLink(link, binaries.envoy());
            }
            var config = work.resolve("aigw-" + runId + ".yaml");
            Files.writeString(config, files.startup(), StandardCharsets.UTF_8);
            portsMustBeFree();
            var environment = Map.of(
                    // As the AI Gateway chart's controller.metricsRequestHeaderAttributes (docs/usage.md): token counts
                    // carry the client id API key authentication wrote, so usage can be told per key.
                    "OTEL_AIGW_METRICS_REQUEST_HEADER_ATTRIBUTES", GatewayFacts.USAGE_HEADER_ATTRIBUTES,
                    // Everything fed was validated and defaulted by the API server (scripts/gateway-test-binaries.sh,
                    // change 5): Envoy Gateway's file provider need not compile every CRD's rules again per object.
                    "NEBARI_GATEWAY_TRUSTED_INPUT", "true",
                    "HOME", home.toString(),
                    "AIGW_CONFIG_HOME", home.resolve("config").toString(),
                    "AIGW_DATA_HOME", home.resolve("data").toString(),
                    "AIGW_STATE_HOME", home.resolve("state").toString(),
                    "AIGW_RUNTIME_DIR", home.resolve("run").toString());
            var process = ManagedProcess.start("aigw-" + runId,
                    List.of(binaries.aigw().toString(), "run", "--run-id=" + runId, "--admin-port=" + metricsPort, config.toString()),
                    work, environment);
            aigw = process;
            lock.recordProcess(process.pid());
            // The watched folder exists before Envoy Gateway reads it; the live file written now is in its first
            // load, so Envoy never serves the routes without their policies.
            var resources = home.resolve("state/runs/" + runId + "/envoy-ai-gateway-resources");
            waitFor(() -> Files.isDirectory(resources), process, Duration.ofSeconds(30), "its resources folder " + resources);
            liveFile = resources.resolve("pack.yaml");
            aigwLog = new LogLines(home.resolve("state/runs/" + runId + "/aigw.log"), TRANSLATED_LINE);
            translationsAtLastWrite = 0;
            writtenLive = null;
            writeLive(files.live());
            waitFor(() -> logContains(process.log(), READY_LINE) && listening(layout.externalPort())
                    && listening(layout.internalPort()), process, READY_TIMEOUT, "Envoy to listen");
            runningStartupDigest = files.startupDigest();
            recordDescendants(process);
            // aigw issues new certificates on every start: the rate-limit service connects again with them.
            restartRateLimit();
            log.info("aigw {} serving {} route(s) after {} ms", runId, countRoutes(files.startup()),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until Envoy Gateway has translated what was written last: at most twice as long as the last translation
     * took (a write that changes nothing Envoy sees is not translated at all), between half a second and
     * {@link #LONGEST_TRANSLATION_WAIT}.
     */
    private void awaitLastWriteTranslated() {
        var lines = aigwLog;
        if (lines == null || writtenLive == null) {
            return;
        }
        if (lines.count() > translationsAtLastWrite) {
            return;
        }
        var patience = Math.clamp(lastTranslation.toNanos() * 2, Duration.ofMillis(500).toNanos(),
                LONGEST_TRANSLATION_WAIT.toNanos());
        while (lines.count() <= translationsAtLastWrite) {
            if (closed || System.nanoTime() - lastWriteNanos > patience) {
                return;
            }
            sleep(20);
        }
        // Seen while waiting, so this is about when the translation ended.
        lastTranslation = Duration.ofNanos(System.nanoTime() - lastWriteNanos);
    }

    private void recordDescendants(ManagedProcess process) {
        ProcessHandle.of(process.pid()).ifPresent(handle -> handle.descendants()
                .forEach(child -> lock.recordProcess(child.pid())));
    }

    private static long countRoutes(String startup) {
        return startup.lines().filter(line -> line.equals("kind: \"AIGatewayRoute\"")).count();
    }

    private void writeLive(String live) {
        var target = liveFile;
        if (target == null) {
            return;
        }
        awaitLastWriteTranslated();
        try {
            // Written beside the watched folder and moved in: Envoy Gateway reacts to every file that appears there,
            // and a temporary file that vanishes before it is read makes it stop (aigw exits).
            var temporary = work.resolve("pack.yaml.tmp");
            Files.writeString(temporary, live, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writtenLive = live;
            translationsAtLastWrite = aigwLog == null ? 0 : aigwLog.count();
            lastWriteNanos = System.nanoTime();
            log.debug("Wrote the gateway's live objects ({} bytes) to {}", live.length(), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the gateway's live objects to " + target, e);
        }
    }

    private void startRedis() {
        var process = ManagedProcess.start("redis", List.of(binaries.redisServer().toString(),
                "--port", String.valueOf(layout.redisPort()), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", work.toString()), work, Map.of());
        redis = process;
        lock.recordProcess(process.pid());
        waitFor(() -> listening(layout.redisPort()), process, Duration.ofSeconds(20), "Redis to listen");
    }

    private void startPrometheus(int port) {
        var binary = LocalPrometheus.locate().orElseThrow(() -> new IllegalStateException(
                "prometheus is not installed; usage per key is read from it (Debian: apt-get install prometheus)"));
        var started = LocalPrometheus.start(binary, work, port, metricsPort, Duration.ofSeconds(1));
        prometheus = started;
        lock.recordProcess(started.pid());
    }

    private void restartRateLimit() {
        if (rateLimit != null) {
            rateLimit.close();
        }
        var certificates = Path.of(System.getProperty("user.home"), ".config", "envoy-gateway", "certs", "envoy-rate-limit");
        var environment = new HashMap<String, String>();
        // As Envoy Gateway configures the service it deploys (EG v1.8.3 ratelimit/resource.go), except: its gRPC
        // server is plain text on loopback (substitution 3) and its ports are free ones.
        environment.put("RUNTIME_ROOT", work.resolve("ratelimit-runtime").toString());
        environment.put("RUNTIME_SUBDIRECTORY", "ratelimit");
        environment.put("RUNTIME_IGNOREDOTFILES", "true");
        environment.put("RUNTIME_WATCH_ROOT", "false");
        environment.put("LOG_LEVEL", "info");
        environment.put("USE_STATSD", "false");
        environment.put("CONFIG_TYPE", "GRPC_XDS_SOTW");
        environment.put("CONFIG_GRPC_XDS_SERVER_URL", "localhost:18001");
        environment.put("CONFIG_GRPC_XDS_NODE_ID", "envoy-ratelimit");
        environment.put("CONFIG_GRPC_XDS_SERVER_USE_TLS", "true");
        environment.put("CONFIG_GRPC_XDS_CLIENT_TLS_CERT", certificates.resolve("tls.crt").toString());
        environment.put("CONFIG_GRPC_XDS_CLIENT_TLS_KEY", certificates.resolve("tls.key").toString());
        environment.put("CONFIG_GRPC_XDS_SERVER_TLS_CACERT", certificates.resolve("ca.crt").toString());
        // Envoy Gateway's certificate names its Kubernetes service, not localhost.
        environment.put("CONFIG_GRPC_XDS_SERVER_TLS_SAN", "envoy-gateway");
        environment.put("FORCE_START_WITHOUT_INITIAL_CONFIG", "true");
        environment.put("REDIS_SOCKET_TYPE", "tcp");
        environment.put("REDIS_URL", "localhost:" + layout.redisPort());
        environment.put("HOST", "127.0.0.1");
        environment.put("PORT", String.valueOf(freePort()));
        environment.put("GRPC_HOST", "127.0.0.1");
        environment.put("GRPC_PORT", String.valueOf(layout.rateLimitPort()));
        environment.put("DEBUG_HOST", "127.0.0.1");
        environment.put("DEBUG_PORT", String.valueOf(freePort()));
        var process = ManagedProcess.start("ratelimit-" + runs, List.of(binaries.rateLimit().toString()), work, environment);
        rateLimit = process;
        lock.recordProcess(process.pid());
        waitFor(() -> listening(layout.rateLimitPort()), process, Duration.ofSeconds(30), "the rate-limit service to listen");
    }

    private void stopAigw() {
        var current = aigw;
        if (current != null) {
            current.close();
            aigw = null;
            runningStartupDigest = null;
            liveFile = null;
        }
    }

    private void portsMustBeFree() {
        var deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        var busy = busyPorts();
        while (!busy.isEmpty() && System.nanoTime() < deadline) {
            sleep(100);
            busy = busyPorts();
        }
        if (!busy.isEmpty()) {
            throw new IllegalStateException("ports " + busy + " are in use; aigw needs them (is another aigw or Envoy "
                    + "Gateway running on this machine?)");
        }
    }

    private List<Integer> busyPorts() {
        var busy = new ArrayList<Integer>();
        for (var port : Stream.concat(FIXED_PORTS.stream(), Stream.of(layout.externalPort(), layout.internalPort())).toList()) {
            if (listening(port)) {
                busy.add(port);
            }
        }
        return busy;
    }

    static void waitFor(java.util.function.BooleanSupplier condition, ManagedProcess process, Duration timeout,
            String what) {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited while waiting for " + what + "; its log ("
                        + process.log() + ") ends:\n" + process.tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(process.name() + " did not get to " + what + " within " + timeout
                        + "; its log (" + process.log() + ") ends:\n" + process.tail());
            }
            sleep(25);
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    static boolean listening(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (changed) {
            changed.notifyAll();
        }
        feeder.interrupt();
        try {
            feeder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watcher.close();
        synchronized (this) {
            stopAigw();
            if (rateLimit != null) {
                rateLimit.close();
            }
            if (redis != null) {
                redis.close();
            }
            if (prometheus != null) {
                prometheus.close();
            }
        }
        models.close();
        heldPorts.close();
        lock.close();
        if (!Boolean.getBoolean("nebari.localGateway.keepFiles")) {
            deleteQuietly(work);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("Cannot delete {}: {}", dir, e.toString());
        }
    }
}
