package dev.nebari.llm.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.download.fakehub.ContentSource;
import dev.nebari.llm.download.fakehub.FakeFile;
import dev.nebari.llm.download.fakehub.FakeHub;
import dev.nebari.llm.download.fakehub.FakeRepo;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.serving.ModelServerDeploymentRenderer;
import dev.nebari.llm.testing.FreePort;
import dev.nebari.llm.testing.MissingParts;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two images as {@code scripts/build-images.sh} built them (OCI archives in {@code target/images}, made in
 * {@code ./mvnw verify} after packaging): their configuration is what the chart and the model pods rely on, and
 * each image's own root filesystem runs its program as uid 65532, entered with chroot as a container runtime would
 * (with /proc mounted): the application becomes ready against the test API server, and the downloader, started
 * with the arguments the operator renders, downloads a repository from the fake Hub. Needs root.
 */
@WithKubernetes(upstreamCrds = false)
class ImagesIT {

    static final Path APP = Path.of("target/images/nebari-llm-serving.tar");
    static final Path DOWNLOADER = Path.of("target/images/nebari-llm-downloader.tar");
    static final String NONROOT = "65532:65532";
    static final long MiB = 1024 * 1024;
    static OciArchive app;
    static OciArchive downloader;

    @BeforeAll
    static void readTheImages() throws IOException {
        MissingParts.require(Files.exists(APP) && Files.exists(DOWNLOADER),
                "the image archives in target/images: run scripts/build-images.sh as root (./mvnw verify does)");
        MissingParts.require("root".equals(System.getProperty("user.name")), "root, to enter the images' filesystems with chroot");
        app = OciArchive.read(APP);
        downloader = OciArchive.read(DOWNLOADER);
    }

    @Test
    void theApplicationImageIsWhatTheChartRuns() throws IOException {
        var config = app.runConfig();
        var deployment = ChartRenderer.installable().rendered().deployment("operator");
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(config.get("User").asString()).isEqualTo(NONROOT)
                .startsWith(pod.getSecurityContext().getRunAsUser() + ":");
        assertThat(container(deployment).getCommand()).as("the chart runs the image's entrypoint").isNullOrEmpty();
        for (ContainerPort port : container(deployment).getPorts()) {
            assertThat(config.get("ExposedPorts").has(port.getContainerPort() + "/tcp")
                    || config.get("ExposedPorts").has(Integer.toString(port.getContainerPort())))
                    .as("port %s (%d) exposed", port.getName(), port.getContainerPort()).isTrue();
        }
        assertThat(app.entrypoint()).startsWith("/opt/java/bin/java").contains("-XX:AOTCache=/app/app.aot", "/app/app.jar");
        assertThat(app.entrypoint().subList(1, app.entrypoint().size())).as("as compose-dev/Dockerfile runs it")
                .isEqualTo(dockerfileEntrypoint(Path.of("compose-dev/Dockerfile")));
        assertThat(app.contains("/app/app.aot")).as("the AOT cache trained at build time").isTrue();
        assertLabels(config.get("Labels"));
        assertThat(app.contains("/bin/sh")).as("no shell").isFalse();
        System.out.printf("images: app %d MB unpacked, %d MB compressed%n", app.unpackedBytes() / MiB, Files.size(APP) / MiB);
    }

    /**
     * The image holds what a deployed pack runs, not the code only local runs use: the embedded cluster, the local
     * gateway, the demo and its identity provider's Spring Authorization Server (pom.xml leaves them out of the
     * packaged jar; the AOT training run and the start-up below show the application does not miss them).
     */
    @Test
    void theApplicationImageLeavesOutWhatOnlyLocalRunsUse() throws IOException {
        assertThat(app.files()).filteredOn(file -> file.startsWith("app/lib/")).isNotEmpty()
                .noneMatch(file -> file.contains("authorization-server"));
        var classes = new ArrayList<String>();
        try (var jar = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(app.read("/app/app.jar")))) {
            for (java.util.jar.JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
                classes.add(entry.getName());
            }
        }
        assertThat(classes).contains("dev/nebari/llm/platform/LocalCluster.class")
                .noneMatch(name -> name.matches("dev/nebari/llm/(localcluster|localgateway|demo)/.*|kwok/.*"));
    }

    @Test
    void theDownloaderImageIsWhatTheModelPodsRun() throws IOException {
        var config = downloader.runConfig();
        var initContainer = downloaderContainer();
        assertThat(config.get("User").asString()).isEqualTo(NONROOT);
        assertThat(initContainer.getCommand()).as("the operator runs the image's entrypoint").isNullOrEmpty();
        assertThat(downloader.entrypoint()).startsWith("/opt/java/bin/java").endsWith("dev.nebari.llm.download.DownloaderMain");
        assertThat(downloader.entrypoint().subList(1, downloader.entrypoint().size()))
                .as("as downloader-image/Dockerfile runs it (bench/download measures those flags)")
                .isEqualTo(dockerfileEntrypoint(Path.of("downloader-image/Dockerfile")));
        assertLabels(config.get("Labels"));
        assertThat(downloader.contains("/bin/sh")).as("no shell").isFalse();
        var unpacked = downloader.unpackedBytes();
        System.out.printf("images: downloader %d MB unpacked, %d MB compressed%n", unpacked / MiB, Files.size(DOWNLOADER) / MiB);
        assertThat(unpacked).as("the downloader image stays small").isLessThan(80 * MiB);
    }

    @Test
    void theApplicationStartsFromItsOwnFilesystemAndBecomesReady(TestCluster cluster, @TempDir Path work) throws Exception {
        var root = work.resolve("root");
        app.unpack(root);
        Files.copy(cluster.kubeconfig(), root.resolve("tmp/kubeconfig"));
        root.resolve("tmp/kubeconfig").toFile().setReadable(true, false);
        int web = FreePort.any();
        int management = FreePort.any();
        var args = new ArrayList<>(app.entrypoint());
        args.addAll(List.of("--spring.profiles.active=operator", "--cluster.kubeconfig=/tmp/kubeconfig",
                "--server.port=" + web, "--management.server.port=" + management, "--webhook.enabled=false",
                "--platform.baseDomain=images.example.com",
                "--leaderElection.namespace=" + cluster.newNamespace("images")));
        try (var running = Chroot.start(root, Map.of(), args, Map.of(), work.resolve("app.log"))) {
            var http = HttpClient.newHttpClient();
            var readiness = URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .failFast("the application exited", () -> !running.isAlive())
                    .until(() -> http.send(HttpRequest.newBuilder(readiness).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            var log = running.output();
            assertThat(log).as("started as uid 65532 from the image's own files").contains("Started LlmServingApplication");
            assertThat(log).as("the JVM used the AOT cache it was trained with").doesNotContain("[aot]");
        }
    }

    @Test
    void theDownloaderDownloadsFromItsOwnFilesystem(@TempDir Path work) throws Exception {
        var weights = ContentSource.random(7, (int) (3 * MiB));
        try (var hub = FakeHub.start(FakeRepo.of("acme/image-smoke",
                FakeFile.git("config.json", ContentSource.of("{\"model_type\": \"smoke\"}")),
                FakeFile.lfs("model.safetensors", weights)))) {
            var root = work.resolve("root");
            downloader.unpack(root);
            var container = downloaderContainer();
            // the model volume, mounted where the pod mounts it (the downloader asks its file store for free space)
            var mountPath = container.getVolumeMounts().getFirst().getMountPath();
            var volume = Files.createDirectories(work.resolve("volume"));
            new ProcessBuilder("chown", NONROOT, volume.toString()).start().waitFor();
            var args = new ArrayList<>(downloader.entrypoint());
            args.addAll(container.getArgs());
            var env = Map.of("HF_ENDPOINT", hub.endpoint().toString());
            try (var running = Chroot.start(root, Map.of(volume, mountPath), args, env, work.resolve("downloader.log"))) {
                assertThat(running.waitFor(Duration.ofSeconds(120))).as(running.output()).isZero();
            }
            assertThat(Files.readString(volume.resolve("config.json"))).contains("smoke");
            assertThat(Files.getOwner(volume.resolve("model.safetensors")).getName()).as("written as uid 65532")
                    .isIn("65532", "nonroot");
            assertThat(Files.size(volume.resolve("model.safetensors"))).isEqualTo(3 * MiB);
        }
    }

    static void assertLabels(tools.jackson.databind.JsonNode labels) {
        assertThat(labels.get("org.opencontainers.image.source").asString()).startsWith("https://github.com/");
        assertThat(labels.get("org.opencontainers.image.revision").asString()).matches(Pattern.compile("[0-9a-f]{40}|unknown"));
        assertThat(labels.get("org.opencontainers.image.version").asString()).isNotBlank();
    }

    /** The arguments of a Dockerfile's JSON ENTRYPOINT after the java executable. */
    static List<String> dockerfileEntrypoint(Path dockerfile) throws IOException {
        var line = Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        var parts = new ArrayList<String>();
        tools.jackson.databind.json.JsonMapper.builder().build().readTree(line.substring("ENTRYPOINT ".length()))
                .forEach(part -> parts.add(part.asString()));
        return parts.subList(1, parts.size());
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /** The model downloader init container the operator renders for a Hugging Face model. */
    static Container downloaderContainer() {
        var model = ModelFixtures.model("images", "smoke", "acme/image-smoke", "access: {public: true}");
        return ModelServerDeploymentRenderer.render(model, ModelFixtures.settings()).getSpec().getTemplate().getSpec()
                .getInitContainers().stream().filter(c -> c.getName().equals("model-downloader")).findFirst().orElseThrow();
    }


    /**
     * A program run in an unpacked image as a container runtime would: chroot as uid 65532, /proc mounted (the JVM
     * needs it), volumes bind-mounted, output to a file.
     */
    static final class Chroot implements AutoCloseable {
        private final Path root;
        private final List<Path> mounts;
        private final Process process;
        private final Path log;

        private Chroot(Path root, List<Path> mounts, Process process, Path log) {
            this.root = root;
            this.mounts = mounts;
            this.process = process;
            this.log = log;
        }

        /** {@code volumes}: host directory to its mount path in the image. */
        static Chroot start(Path root, Map<Path, String> volumes, List<String> command, Map<String, String> env, Path log)
                throws Exception {
            var mounts = new ArrayList<Path>();
            var proc = Files.createDirectories(root.resolve("proc"));
            run("mount", "-t", "proc", "proc", proc.toString());
            mounts.add(proc);
            for (var volume : volumes.entrySet()) {
                var at = Files.createDirectories(root.resolve(volume.getValue().substring(1)));
                run("mount", "--bind", volume.getKey().toString(), at.toString());
                mounts.add(at);
            }
            var full = new ArrayList<>(List.of("chroot", "--userspec=" + NONROOT, root.toString()));
            full.addAll(command);
            var builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().putAll(Map.of("PATH", "/opt/java/bin", "HOME", "/home/nonroot"));
            builder.environment().putAll(env);
            return new Chroot(root, mounts, builder.start(), log);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        int waitFor(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            for (var mount : mounts.reversed()) {
                run("umount", mount.toString());
            }
        }

        private static void run(String... command) throws Exception {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            var output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        }
    }
}
