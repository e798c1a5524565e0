package dev.nebari.llm.startup;

import dev.nebari.llm.testing.Percentiles;
import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.localcluster.KubernetesBinaries;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.reconciliation.ReconcileBenchmark;
import dev.nebari.llm.testing.FreePort;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.startuppeer.HelloWorldApplication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * bench/startup (docs/quality-bars.md: ready ≤ 3 s with the AOT cache). Starts a real kube-apiserver + etcd and an OIDC
 * issuer stand-in, installs what a combined-mode release of the chart installs (rendered by Helm from the chart, with
 * the webhook configuration pointed at the webhook's loopback address), a few LLMModels and their keys, and then
 * launches the application jar as the image does, as a process of its own, timing each launch from
 * {@code ProcessBuilder.start()} until {@code GET /actuator/health/readiness} on the management port (the chart's
 * readinessProbe) first answers 200 UP.
 *
 * <p>The peer, launched interleaved with the application, is {@link dev.nebari.startuppeer.HelloWorldApplication}:
 * Spring Boot with web and Actuator only, under the same JVM options; with {@code aot}, also the peer with an AOT
 * cache.
 *
 * <p>Arguments: {@code [runs=5]}. Environment: {@code STARTUP_VARIANTS} (comma-separated, default {@code jar,aot}:
 * as the image ran before and runs now): how the application is launched, see {@link Variant} and
 * {@link VariantChoice}; {@code STARTUP_JVM} (default {@code -XX:MaxRAM=768m @config/jvm.options}): the JVM options
 * of every launch. System properties {@code bench.models} (5) and {@code bench.keysPerModel} (12) size the installed
 * state.
 */
public final class StartupBenchmark {

    static final String RELEASE = "nebari-llm-serving";
    static final String RELEASE_NAMESPACE = "nebari-llm";
    static final String FULLNAME = RELEASE;
    static final String MODELS_NAMESPACE = "team-a";
    static final String BASE_DOMAIN = "nebari.example.com";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    static final Duration POLL = Duration.ofMillis(25);
    /** Concurrent mints per burst in the first-minute measurement: bench/scale's concurrency. */
    static final int FIRST_MINUTE_BURST = 16;
    static final Pattern STARTED = Pattern.compile("Started (\\S+) in ([\\d.]+) seconds \\(process running for ([\\d.]+)\\)");

    private final Path project = Path.of("").toAbsolutePath();
    private final Path work;
    private final List<String> jvm;
    private final int serverPort = FreePort.any();
    private final int managementPort = FreePort.any();
    private final int webhookPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final FakeOidcIssuer issuer;
    private final Path kubeconfig;
    private final List<String> deploymentArgs;
    private final Map<String, String> deploymentEnv;

    private StartupBenchmark(Path work, List<String> jvm, FakeOidcIssuer issuer, Path kubeconfig,
            List<String> deploymentArgs, Map<String, String> deploymentEnv, int webhookPort) {
        this.work = work;
        this.webhookPort = webhookPort;
        this.jvm = jvm;
        this.issuer = issuer;
        this.kubeconfig = kubeconfig;
        this.deploymentArgs = deploymentArgs;
        this.deploymentEnv = deploymentEnv;
    }

    public static void main(String[] args) throws Exception {
        var runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        var variants = Arrays.stream(System.getenv().getOrDefault("STARTUP_VARIANTS", "jar,aot").split(",")).map(String::trim)
                .map(VariantChoice::parse).toList();
        var jvm = List.of(System.getenv().getOrDefault("STARTUP_JVM", "-XX:MaxRAM=768m @config/jvm.options").trim().split("\\s+"));
        var models = Integer.getInteger("bench.models", 5);
        var keysPerModel = Integer.getInteger("bench.keysPerModel", 12);
        var jar = System.getenv("STARTUP_JAR") != null ? Path.of(System.getenv("STARTUP_JAR")).toAbsolutePath() : findJar();
        var crds = Path.of(System.getProperty("nebari.thirdPartyCrds", "../shared/crds"));
        var work = Files.createTempDirectory("nebari-startup-");
        try (var plane = EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild());
                var admin = plane.newClient();
                var issuer = FakeOidcIssuer.start()) {
            var bench = install(plane, admin, issuer, crds, work, jvm, models);
            System.out.printf("application: %s; JVM options: %s; load average %s%n", jar.getFileName(), String.join(" ", jvm),
                    loadAverage());
            var launchers = new ArrayList<Launcher>();
            for (var variant : variants) {
                launchers.add(variant.prepare(bench, jar));
            }
            var peer = bench.peer("peer", List.of());
            launchers.add(peer);
            if (runs > 0 && variants.stream().anyMatch(v -> v.variant() == Variant.aot)) {
                // The floor for the application with an AOT cache: the peer with one, trained the same way.
                launchers.add(bench.peerWithAotCache());
            }

            // Unmeasured: the first start of the installed release (it creates the webhook certificate, reconciles
            // the models and, with keys minted through the REST API, reaches the state every later start finds),
            // and one start of the peer, so that both read their jars from the page cache in the measured runs.
            bench.firstStart(launchers.getFirst(), admin, models, keysPerModel);
            bench.measure(peer, "warm-up").stop();

            var results = new LinkedHashMap<String, List<Run>>();
            for (int i = 1; i <= runs; i++) {
                for (var launcher : launchers) {
                    var run = bench.measure(launcher, launcher.name() + " #" + i);
                    run.stop();
                    System.out.println(run.summary());
                    results.computeIfAbsent(launcher.name(), k -> new ArrayList<>()).add(run);
                }
            }
            if (!results.isEmpty()) {
                summarise(results, peer.name());
            }
            var firstMinute = System.getenv().getOrDefault("STARTUP_FIRST_MINUTE", "portal");
            if (!"0".equals(firstMinute)) {
                var image = launchers.stream().filter(l -> l.name().equals("aot")).findFirst().orElse(launchers.getFirst());
                var launcher = "combined".equals(firstMinute) ? image : portalAlone(image);
                var restarts = Integer.parseInt(System.getenv().getOrDefault("STARTUP_FIRST_BURSTS", "3"));
                if (restarts > 0) {
                    bench.firstBursts(launcher, models, FIRST_MINUTE_BURST, restarts);
                }
                if (!"bursts".equals(firstMinute)) {
                    bench.firstMinute(launcher, models, FIRST_MINUTE_BURST);
                }
            }
        }
    }

    /** Installs the release and its state: CRDs, the chart's objects (combined mode), models, the OIDC client Secret. */
    static StartupBenchmark install(EmbeddedControlPlane plane, KubernetesClient admin, FakeOidcIssuer issuer,
            Path crds, Path work, List<String> jvm, int models) throws IOException {
        ReconcileBenchmark.installCrds(admin, crds, "the NebariApp and gateway objects are skipped");
        namespace(admin, RELEASE_NAMESPACE, Map.of());
        namespace(admin, MODELS_NAMESPACE, Map.of("nebari.dev/managed", "true"));
        for (int i = 0; i < models; i++) {
            admin.resource(ModelFixtures.model(MODELS_NAMESPACE, "model-" + i, "org/model-" + i,
                    "access: {groups: [llm-users]}\nlimits: {requestsPerMinute: 60}")).create();
        }
        // A Lease another replica holds for an hour: a launch told to campaign for it (variant option
        // -Dleader-election.operatorLeaseName=held-elsewhere) starts as a standby, as a new pod does in a rolling
        // update while the old one still leads; otherwise every launch leads at once (its predecessor released the Lease).
        admin.leases().inNamespace(RELEASE_NAMESPACE).resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata().withName("held-elsewhere").endMetadata()
                .withNewSpec().withHolderIdentity("another-replica").withLeaseDurationSeconds(3600)
                .withAcquireTime(java.time.ZonedDateTime.now()).withRenewTime(java.time.ZonedDateTime.now()).endSpec()
                .build()).create();
        // What nebari-operator provisions for the portal's NebariApp (keyManager.provider=keycloak, the default).
        admin.secrets().inNamespace(RELEASE_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName(FULLNAME + "-keys-oidc-client").endMetadata()
                .withStringData(Map.of("issuer-url", issuer.issuer(), "client-id", "nebari-llm-keys",
                        "client-secret", "bench-client-secret"))
                .build()).create();

        var rendered = ChartRenderer.installable()
                .with("platform.baseDomain", BASE_DOMAIN)
                .with("combined", true)
                .inRelease(RELEASE, RELEASE_NAMESPACE)
                .renderUntyped();
        var webhookPort = FreePort.any();
        String configYaml = null;
        Deployment deployment = null;
        for (var object : rendered) {
            if (object.getKind().equals("ValidatingWebhookConfiguration")) {
                pointAtLoopback(object, webhookPort);
            }
            if (object.getKind().equals("NebariApp") && !Files.isDirectory(crds)) {
                continue;
            }
            if (object.getMetadata().getAnnotations() != null && object.getMetadata().getAnnotations().containsKey("helm.sh/hook")) {
                continue; // helm install leaves hooks such as the `helm test` Pod out
            }
            applyAsHelm(admin, object);
            if (object.getKind().equals("ConfigMap")) {
                configYaml = Serialization.unmarshal(Serialization.asJson(object), ConfigMap.class).getData().get("application.yaml");
            } else if (object.getKind().equals("Deployment")) {
                deployment = Serialization.unmarshal(Serialization.asJson(object), Deployment.class);
            }
        }
        if (configYaml == null || deployment == null) {
            throw new IllegalStateException("the chart rendered no ConfigMap or no Deployment");
        }
        var configFile = work.resolve("application.yaml");
        Files.writeString(configFile, configYaml);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        var args = container.getArgs().stream()
                .map(a -> a.replace("file:/etc/nebari-llm-serving/application.yaml", "file:" + configFile))
                .toList();
        var env = new LinkedHashMap<String, String>();
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : switch (var.getValueFrom().getFieldRef().getFieldPath()) {
                case "metadata.name" -> FULLNAME + "-combined-5d8f7c9b4-bench";
                case "metadata.namespace" -> RELEASE_NAMESPACE;
                default -> throw new IllegalStateException("unknown fieldRef " + var.getValueFrom().getFieldRef());
            });
        }
        var serviceAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        var kubeconfig = writeKubeconfig(plane, work);
        env.putAll(impersonating(serviceAccount));
        checkImpersonation(kubeconfig, env);
        return new StartupBenchmark(work, jvm, issuer, kubeconfig, args, env, webhookPort);
    }

    /** The API server calls the webhook on loopback (no Service DNS here); its certificate names localhost. */
    @SuppressWarnings("unchecked")
    private static void pointAtLoopback(GenericKubernetesResource configuration, int port) {
        for (var webhook : (List<Map<String, Object>>) configuration.getAdditionalProperties().get("webhooks")) {
            var clientConfig = (Map<String, Object>) webhook.get("clientConfig");
            var service = (Map<String, Object>) clientConfig.remove("service");
            clientConfig.put("url", "https://localhost:" + port + service.get("path"));
        }
    }

    private static void applyAsHelm(KubernetesClient admin, HasMetadata object) {
        admin.resource(object).fieldManager("helm").forceConflicts().serverSideApply();
    }

    private static void namespace(KubernetesClient admin, String name, Map<String, String> labels) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).serverSideApply();
    }

    /**
     * The API server's address and a token of the cluster admin. The pod's identity, the release's ServiceAccount,
     * comes from impersonation ({@link #impersonating}), so that the chart's RBAC applies to every request.
     */
    private static Path writeKubeconfig(EmbeddedControlPlane plane, Path work) throws IOException {
        var file = work.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bench
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: bench
                  user:
                    token: %s
                contexts:
                - name: bench
                  context: {cluster: bench, user: bench, namespace: %s}
                current-context: bench
                """.formatted(plane.url(), plane.clientConfig().getOauthToken(), RELEASE_NAMESPACE));
        return file;
    }

    /**
     * fabric8 ignores a kubeconfig's {@code as}/{@code as-groups}, but its configuration reads impersonation from
     * these variables (and from the system properties of the same names) when it loads $KUBECONFIG.
     */
    static Map<String, String> impersonating(String serviceAccount) {
        return Map.of("KUBERNETES_IMPERSONATE_USERNAME", "system:serviceaccount:" + RELEASE_NAMESPACE + ":" + serviceAccount,
                "KUBERNETES_IMPERSONATE_GROUP", String.join(",", "system:serviceaccounts",
                        "system:serviceaccounts:" + RELEASE_NAMESPACE, "system:authenticated"));
    }

    private static void checkImpersonation(Path kubeconfig, Map<String, String> impersonation) throws IOException {
        var config = new io.fabric8.kubernetes.client.ConfigBuilder(Config.fromKubeconfig(Files.readString(kubeconfig)))
                .withImpersonateUsername(impersonation.get("KUBERNETES_IMPERSONATE_USERNAME"))
                .withImpersonateGroups(impersonation.get("KUBERNETES_IMPERSONATE_GROUP").split(","))
                .build();
        try (var client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.secrets().inNamespace("kube-system").list();
            throw new IllegalStateException("the ServiceAccount may read Secrets in kube-system: impersonation is not in effect");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
        }
    }

    /** How the application is started: a command line and, for some, a preparation step (extraction, training). */
    /** A process to start and time: its name, command line and environment beyond the deployment's. */
    record Launcher(String name, List<String> command, Map<String, String> environment) {
    }

    /**
     * One entry of STARTUP_VARIANTS: a {@link Variant} by name ({@code aot}), or {@code label=variant options...} for
     * the same launch with JVM options added ({@code "heap=aot -XX:InitialRAMPercentage=12"}), to compare in one run.
     */
    record VariantChoice(String label, Variant variant, List<String> extraJvm) {
        static VariantChoice parse(String token) {
            if (!token.contains("=")) {
                return new VariantChoice(token, Variant.valueOf(token), List.of());
            }
            var label = token.substring(0, token.indexOf('='));
            var words = List.of(token.substring(token.indexOf('=') + 1).trim().split("\\s+"));
            return new VariantChoice(label, Variant.valueOf(words.getFirst()), words.subList(1, words.size()));
        }

        Launcher prepare(StartupBenchmark bench, Path jar) throws Exception {
            return variant.prepare(bench, jar, label, extraJvm);
        }
    }

    /** The application's launch modes that can be compared in one run. */
    enum Variant {
        /** As the image ran until 2026-11-27: {@code java @jvm.options -jar app.jar}. */
        jar {
            @Override
            Launcher prepare(StartupBenchmark bench, Path jar, String label, List<String> extraJvm) {
                return bench.app(label, extraJvm, jar);
            }
        },
        /**
         * Spring Boot's extracted layout with a JVM AOT cache from a training run with
         * {@code config/aot-training.options}, exactly as compose-dev/Dockerfile builds the image.
         */
        aot {
            @Override
            Launcher prepare(StartupBenchmark bench, Path jar, String label, List<String> extraJvm) throws Exception {
                var extracted = bench.extract(jar);
                var cache = extracted.getParent().resolve("app.aot");
                if (!Files.exists(cache)) {
                    train(extracted, cache, bench.work);
                }
                var options = new ArrayList<>(extraJvm);
                options.add("-XX:AOTCache=" + cache);
                var launcher = bench.app(label, options, extracted);
                return System.getenv("STARTUP_STEPS") == null ? launcher : bench.withStartupSteps(launcher, extracted);
            }
        };

        abstract Launcher prepare(StartupBenchmark bench, Path jar, String label, List<String> extraJvm) throws Exception;
    }

    Path extract(Path jar) throws Exception {
        return extract(jar, work);
    }

    /**
     * {@code java -Djarmode=tools -jar app.jar extract} into {@code work/extracted}: the application jar and lib/ beside
     * it, as compose-dev/Dockerfile lays the image out (bench/scale and bench/faults run the application so too).
     */
    public static Path extract(Path jar, Path work) throws Exception {
        var destination = work.resolve("extracted");
        if (Files.exists(destination.resolve(jar.getFileName()))) {
            return destination.resolve(jar.getFileName());
        }
        run(List.of(javaBinary(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", destination.toString()),
                "extract", work);
        return destination.resolve(jar.getFileName());
    }

    /**
     * The training run that writes the AOT cache, with the command of compose-dev/Dockerfile: the image's JVM options
     * without a memory limit (an image build has none), no cluster.
     */
    public static void train(Path extractedJar, Path cache, Path work) throws Exception {
        var command = new ArrayList<String>(List.of(javaBinary(), "@config/jvm.options"));
        // For profiling only: JFR (-XX:StartFlightRecording in STARTUP_JVM) needs --add-modules=jdk.jfr here too.
        var extra = System.getenv("STARTUP_TRAINING_JVM");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-XX:AOTCacheOutput=" + cache, "@config/aot-training.options", "-jar", extractedJar.toString()));
        var started = System.nanoTime();
        run(command, "aot-training", work);
        System.out.printf("AOT cache trained in %.1f s: %d MiB; load %s%n", (System.nanoTime() - started) / 1e9,
                Files.size(cache) >> 20, loadAverage());
    }

    private static void run(List<String> command, String label, Path work) throws Exception {
        var log = work.resolve(label + ".log");
        var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(label + " failed with " + process.exitValue() + "; see " + log);
        }
    }

    Launcher app(String name, List<String> extraJvm, Path jar) {
        var command = new ArrayList<String>();
        command.add(javaBinary());
        command.addAll(jvm);
        command.addAll(extraJvm);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(deploymentArgs);
        command.addAll(List.of("--server.port=" + serverPort, "--management.server.port=" + managementPort,
                "--webhook.port=" + webhookPort));
        var env = new LinkedHashMap<>(deploymentEnv);
        env.put("KUBECONFIG", kubeconfig.toString());
        return new Launcher(name, command, env);
    }

    /**
     * The peer's command line: its class alone in a jar of its own (an AOT cache takes classes from jars only) and
     * the libraries of the test classpath, without the application's classes and resources (its application.yaml
     * and the tests' logback-test.xml would configure the peer too).
     */
    Launcher peer(String name, List<String> extraJvm) throws IOException {
        var classpath = new ArrayList<String>();
        classpath.add(peerJar().toString());
        for (var entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                classpath.add(entry);
            }
        }
        var command = new ArrayList<String>();
        command.add(javaBinary());
        command.addAll(jvm);
        command.addAll(extraJvm);
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath), HelloWorldApplication.class.getName()));
        command.addAll(peerArguments());
        return new Launcher(name, command, Map.of());
    }

    /** What the application has from its application.yaml that matters for readiness: ports, probes, threads. */
    private List<String> peerArguments() {
        return List.of("--server.port=" + serverPort, "--management.server.port=" + managementPort,
                "--spring.main.banner-mode=off", "--spring.threads.virtual.enabled=true",
                "--management.endpoint.health.probes.enabled=true");
    }

    Launcher peerWithAotCache() throws Exception {
        var cache = work.resolve("peer.aot");
        var training = new ArrayList<>(peer("peer-aot-training", List.of("-XX:AOTCacheOutput=" + cache,
                "-Dspring.context.exit=onRefresh")).command());
        run(training, "peer-aot-training", work);
        return peer("peer-aot", List.of("-XX:AOTCache=" + cache));
    }

    private Path peerJar() throws IOException {
        var jar = work.resolve("peer.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        var classes = Path.of(HelloWorldApplication.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        var packageDir = HelloWorldApplication.class.getPackageName().replace('.', '/');
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                var files = Files.list(classes.resolve(packageDir))) {
            for (var file : files.toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(packageDir + "/" + file.getFileName()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * The same launch with {@link dev.nebari.startuppeer.StartupStepsRecorder} on the classpath after the
     * application (an AOT cache accepts entries appended to its classpath), for an extracted jar only: a fat jar's
     * classes live in a class loader of their own, which the recorder could not reach.
     */
    Launcher withStartupSteps(Launcher launcher, Path extractedJar) throws IOException {
        var command = new ArrayList<String>();
        var recorder = peerJar().toString();
        for (var arg : launcher.command()) {
            if (arg.equals("-jar")) {
                command.add("-cp");
            } else if (arg.equals(extractedJar.toString())) {
                command.add(arg + java.io.File.pathSeparator + recorder);
                command.add(dev.nebari.startuppeer.StartupStepsRecorder.class.getName());
            } else {
                command.add(arg);
            }
        }
        return new Launcher(launcher.name() + "+steps", command, launcher.environment());
    }

    /** One launch, from process start until readiness answered 200 UP. */
    record Run(String label, Process process, double readySeconds, @Nullable String startedLine, double cpuSeconds,
            long rssMiB, String load, Path log) {
        String summary() {
            return String.format("%-14s ready after %5.2f s (CPU %5.2f s, RSS %3d MiB); %s; load %s", label, readySeconds,
                    cpuSeconds, rssMiB, startedLine == null ? "no Started line" : startedLine, load);
        }

        /** SIGTERM, as the kubelet sends it, and wait for the graceful shutdown. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    Run measure(Launcher launcher, String label) throws Exception {
        var log = work.resolve(label.replace(' ', '-').replace("#", "") + ".log");
        var builder = new ProcessBuilder(launcher.command()).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().putAll(launcher.environment());
        var readiness = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        var started = new CompletableFuture<String>();
        var launched = System.nanoTime();
        var process = builder.start();
        Thread.ofPlatform().daemon().name("log-" + label).start(() -> copyLog(process, log, started));
        var deadline = launched + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(label + " exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(label + " not ready within " + READY_TIMEOUT + "; see " + log);
            }
            try {
                var response = http.send(readiness, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    break;
                }
            } catch (IOException notYet) {
                // connection refused until the management server listens
            }
            Thread.sleep(POLL);
        }
        var seconds = (System.nanoTime() - launched) / 1e9;
        var cpu = cpuSeconds(process.pid());
        var rss = rssMiB(process.pid());
        String line;
        try {
            line = started.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            line = null;
        }
        return new Run(label, process, seconds, line, cpu, rss, loadAverage(), log);
    }

    private static void copyLog(Process process, Path log, CompletableFuture<String> started) {
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var out = new PrintWriter(Files.newBufferedWriter(log))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.println(line);
                if (line.contains("[aot]") && (line.contains("[warning]") || line.contains("[error]"))) {
                    // e.g. a cache made by another JVM or for other jar files: the JVM ignores it and says so
                    System.out.println(log.getFileName() + ": " + line);
                }
                if (line.startsWith("STARTUP-STEPS")) {
                    System.out.println(line);
                }
                var matcher = STARTED.matcher(line);
                if (matcher.find()) {
                    out.flush();
                    started.complete(matcher.group());
                }
            }
        } catch (IOException e) {
            started.completeExceptionally(e);
        }
    }

    /**
     * The first start of the release: it creates the webhook certificate and reconciles the models; keys are then
     * minted through the REST API as users would, and the process stops once the operator is done.
     */
    void firstStart(Launcher launcher, KubernetesClient admin, int models, int keysPerModel) throws Exception {
        var run = measure(launcher, "first-start");
        System.out.println(run.summary() + " (unmeasured: first start of the release)");
        var deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!allReconciled(admin, models)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("models not reconciled within 3 minutes; see " + run.log());
            }
            Thread.sleep(200);
        }
        var minted = 0;
        for (int m = 0; m < models; m++) {
            for (int k = 0; k < keysPerModel; k++) {
                var username = "user" + k;
                var response = mint(token(username), m);
                if (response.statusCode() != 201) {
                    throw new IllegalStateException("mint failed: " + response.statusCode() + " " + response.body());
                }
                minted++;
            }
        }
        Thread.sleep(2_000);
        run.stop();
        System.out.printf("installed: %d LLMModels (reconciled), %d keys, webhook certificate Secret %s%n", models, minted,
                admin.secrets().inNamespace(RELEASE_NAMESPACE).withName(FULLNAME + "-webhook-cert").get() != null ? "present" : "MISSING");
    }

    /** A token of the issuer for a user of the models' group, issued to the portal's client (the NebariApp Secret's). */
    private String token(String username) {
        return issuer.token("sub-" + username, c -> c.claim("preferred_username", username)
                .claim("azp", "nebari-llm-keys").claim("groups", List.of("llm-users")));
    }

    /** Mints a key for model-{@code model} through the REST API, as a user would. */
    private HttpResponse<String> mint(String token, int model) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + "/api/v1/keys"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": {"namespace": "%s", "name": "model-%d"}, "description": "bench"}"""
                        .formatted(MODELS_NAMESPACE, model))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The portal as the chart's default values run it ({@code combined: false}): its own Deployment, with the same
     * image, arguments and configuration as the combined one and the {@code portal} profile alone. The operator is not
     * running meanwhile; a mint does not wait for it.
     */
    static Launcher portalAlone(Launcher combined) {
        var environment = new LinkedHashMap<>(combined.environment());
        environment.put("SPRING_PROFILES_ACTIVE", "portal");
        return new Launcher(combined.name() + " (portal alone)", combined.command(), environment);
    }

    /**
     * Issue 16, item 4: is the first minute after start as fast as the steady state? Starts the release once more
     * and, from the moment it is ready, sends a burst of {@code burst} concurrent mints (distinct users, over the
     * models) every 10 s for a minute; keeps sending them unmeasured for another minute, as a portal in use would
     * see; then measures the same bursts for a third minute. Prints p50/p99/max of both measured minutes.
     */
    void firstMinute(Launcher launcher, int models, int burst) throws Exception {
        var run = measure(launcher, "first-minute");
        System.out.println(run.summary());
        var ready = System.nanoTime();
        try {
            var first = bursts(ready, 0, models, burst, "first");
            bursts(ready, 60, models, burst, "warm");
            var steady = bursts(ready, 120, models, burst, "steady");
            System.out.printf("first minute after ready: %d mints in bursts of %d every 10 s: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    first.length, burst, Percentiles.of(first, 50), Percentiles.of(first, 99), Percentiles.of(first, 100));
            System.out.printf("third minute (steady):    %d mints in bursts of %d every 10 s: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    steady.length, burst, Percentiles.of(steady, 50), Percentiles.of(steady, 99), Percentiles.of(steady, 100));
            System.out.printf("first minute / steady: p50 %.2f, p99 %.2f (load %s)%n", Percentiles.of(first, 50) / Percentiles.of(steady, 50),
                    Percentiles.of(first, 99) / Percentiles.of(steady, 99), loadAverage());
        } finally {
            run.stop();
        }
    }

    /**
     * The burst at the moment of ready alone, over {@code restarts} starts (one sample per start is too few to compare
     * builds): each start sends one burst once its readiness probe answers, and stops.
     */
    void firstBursts(Launcher launcher, int models, int burst, int restarts) throws Exception {
        var all = new ArrayList<Double>();
        for (int r = 1; r <= restarts; r++) {
            var run = measure(launcher, "first-burst #" + r);
            System.out.println(run.summary());
            try {
                for (var latency : bursts(System.nanoTime(), 0, models, burst, "at-ready-" + r, 1)) {
                    all.add(latency);
                }
            } finally {
                run.stop();
            }
        }
        var sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("burst at ready, %d starts: %d mints: p50 %.0f ms, p99 %.0f ms, max %.0f ms (load %s)%n", restarts,
                sorted.length, Percentiles.of(sorted, 50), Percentiles.of(sorted, 99), Percentiles.of(sorted, 100), loadAverage());
    }

    /** Six bursts, 10 s apart, starting {@code fromSecond} s after {@code ready}; the latency of every mint in ms. */
    private double[] bursts(long ready, int fromSecond, int models, int burst, String label) throws Exception {
        return bursts(ready, fromSecond, models, burst, label, 6);
    }

    /** {@code count} bursts, 10 s apart, starting {@code fromSecond} s after {@code ready}; every mint's latency in ms. */
    private double[] bursts(long ready, int fromSecond, int models, int burst, String label, int count) throws Exception {
        var latencies = new ArrayList<Double>();
        for (int b = 0; b < count; b++) {
            var tokens = new ArrayList<String>();
            for (int i = 0; i < burst; i++) {
                tokens.add(token(label + "-" + b + "-" + i));
            }
            var at = ready + Duration.ofSeconds(fromSecond + 10L * b).toNanos();
            var wait = at - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var futures = new ArrayList<java.util.concurrent.Future<Double>>();
                for (int i = 0; i < burst; i++) {
                    var token = tokens.get(i);
                    var model = (b * burst + i) % models;
                    futures.add(executor.submit(() -> {
                        var began = System.nanoTime();
                        var response = mint(token, model);
                        if (response.statusCode() != 201) {
                            throw new IllegalStateException("mint failed: " + response.statusCode() + " " + response.body());
                        }
                        return (System.nanoTime() - began) / 1e6;
                    }));
                }
                var times = new ArrayList<Double>();
                for (var future : futures) {
                    times.add(future.get());
                }
                var sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("  %s burst %d (%3d s after ready): p50 %4.0f ms, max %4.0f ms%n", label, b + 1,
                        fromSecond + 10 * b, Percentiles.of(sorted, 50), Percentiles.of(sorted, 100));
                latencies.addAll(times);
            }
        }
        return latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static boolean allReconciled(KubernetesClient admin, int models) {
        var list = admin.resources(LLMModel.class).inNamespace(MODELS_NAMESPACE).list().getItems();
        return list.size() == models && list.stream().allMatch(m -> m.getStatus() != null
                && m.getMetadata().getGeneration().equals(m.getStatus().observedGeneration()));
    }

    static void summarise(Map<String, List<Run>> results, String peer) {
        System.out.println();
        var peerMedian = median(results.get(peer));
        var peerBest = best(results.get(peer));
        System.out.printf("%-10s %8s %8s %8s %12s %14s%n", "launch", "median", "best", "CPU med", "median/peer", "best/peer best");
        results.forEach((name, runs) -> System.out.printf("%-10s %7.2fs %7.2fs %7.2fs %12.2f %14.2f%n", name, median(runs), best(runs),
                medianOf(runs.stream().mapToDouble(Run::cpuSeconds).toArray()), median(runs) / peerMedian, best(runs) / peerBest));
        System.out.println("load average at the end: " + loadAverage() + " (target: ready <= 3 s with the AOT cache)");
    }

    static double median(List<Run> runs) {
        return medianOf(runs.stream().mapToDouble(Run::readySeconds).toArray());
    }

    static double best(List<Run> runs) {
        return runs.stream().mapToDouble(Run::readySeconds).min().orElseThrow();
    }

    static double medianOf(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        var n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Path findJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("nebari-llm-serving-.*\\.jar"))
                    .filter(f -> !f.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/nebari-llm-serving-*.jar: ./mvnw -DskipTests package"))
                    .toAbsolutePath();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String loadAverage() {
        try {
            var fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** utime + stime of a process, from /proc/<pid>/stat (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static long rssMiB(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                    .findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

}
