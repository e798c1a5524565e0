package dev.nebari.llm.localcluster;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.SSLEngine;
import java.net.Socket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver, and on request kube-controller-manager,
 * kube-scheduler and KWOK with one fake GPU node and a simulated volume provisioner, so Deployments become Pods
 * that "run". Used by the tests and by
 * the product when no cluster is configured.
 *
 * <p>Authentication is a static bearer token in group {@code system:masters}; authorization is RBAC, so tests can
 * impersonate narrower identities. The API server's serving certificate is self-signed; clients skip
 * verification, which is acceptable for a loopback-only development server.
 */
public final class EmbeddedControlPlane implements AutoCloseable {

    /** Nodes KWOK manages carry this annotation. */
    public static final String KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";
    public static final String FAKE_GPU_NODE = "kwok-gpu-node";
    /** Pod stages that make init containers run for a moment (see the file); node stages are KWOK's defaults. */
    static final String KWOK_STAGES = "/kwok/model-pod-stages.yaml";
    /** An init container with this argument (a model of this name) fails like a rejected download (see the file). */
    public static final String GATED_MODEL = "simulated/gated-model";

    /** System property that turns on the API server's profiling endpoints (for benchmarks' diagnoses only). */
    public static final String API_SERVER_PROFILING = "nebari.embedded.apiServerProfiling";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedControlPlane.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final KubernetesBinaries binaries;
    private final Path workDir;
    private final String token;
    private final int apiPort;
    private final Path kubeconfig;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private boolean controllersRunning;
    private @Nullable KubernetesClient controllerClient;
    private @Nullable SimulatedVolumeProvisioner provisioner;

    private EmbeddedControlPlane(KubernetesBinaries binaries, Path workDir) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        this.apiPort = freePort();
        this.kubeconfig = workDir.resolve("kubeconfig");
    }

    /** Starts etcd and kube-apiserver in a fresh working directory and waits until the API server is ready. */
    public static EmbeddedControlPlane start(KubernetesBinaries binaries) {
        try {
            var workDir = Files.createTempDirectory("nebari-k8s-");
            var plane = new EmbeddedControlPlane(binaries, workDir);
            try {
                plane.startApiServer();
                return plane;
            } catch (RuntimeException e) {
                plane.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public KubernetesBinaries binaries() {
        return binaries;
    }

    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** A kubeconfig file for kubectl and other tools. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path workDir() {
        return workDir;
    }

    /** fabric8 client configuration with full (system:masters) rights. */
    public Config clientConfig() {
        return new ConfigBuilder()
                .withMasterUrl(url())
                .withOauthToken(token)
                .withTrustCerts(true)
                .withDisableHostnameVerification(true)
                .withNamespace("default")
                .build();
    }

    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(clientConfig()).build();
    }

    /**
     * Starts kube-controller-manager, kube-scheduler and KWOK, and registers one fake node with
     * {@code gpus} NVIDIA GPUs. Idempotent.
     */
    public synchronized void startControllers(int gpus) {
        if (controllersRunning) {
            return;
        }
        if (!binaries.hasControllers()) {
            throw new IllegalStateException("kube-controller-manager, kube-scheduler or kwok missing in "
                    + binaries.directory() + "; run scripts/k8s-test-binaries.sh");
        }
        var certDir = workDir.resolve("certs");
        processes.add(ManagedProcess.start("kube-controller-manager", List.of(
                binaries.controllerManager().toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=" + freePort(),
                "--controllers=*,-nodeipam",
                "--service-account-private-key-file=" + workDir.resolve("sa.key"),
                "--root-ca-file=" + certDir.resolve("apiserver.crt"),
                "--use-service-account-credentials=false",
                "--concurrent-deployment-syncs=10",
                "--concurrent-replicaset-syncs=10",
                "--concurrent-gc-syncs=20",
                "--kube-api-qps=200",
                "--kube-api-burst=400"), workDir));
        processes.add(ManagedProcess.start("kube-scheduler", List.of(
                binaries.scheduler().toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=" + freePort()), workDir));
        processes.add(ManagedProcess.start("kwok", List.of(
                binaries.kwok().toString(),
                "--kubeconfig=" + kubeconfig,
                "--config=" + extractResource(KWOK_STAGES, "kwok-stages.yaml"),
                "--manage-all-nodes=false",
                "--manage-nodes-with-annotation-selector=" + KWOK_NODE_ANNOTATION + "=fake",
                "--manage-nodes-with-label-selector=",
                "--disregard-status-with-annotation-selector=kwok.x-k8s.io/status=custom",
                "--disregard-status-with-label-selector=",
                "--cidr=10.0.0.1/24",
                "--node-ip=10.0.0.1",
                "--node-lease-duration-seconds=40",
                "--server-address=127.0.0.1:" + freePort()), workDir));
        controllerClient = newClient();
        controllerClient.nodes().resource(fakeGpuNode(gpus)).serverSideApply();
        provisioner = new SimulatedVolumeProvisioner(controllerClient);
        controllersRunning = true;
    }

    private Path extractResource(String resource, String fileName) {
        try (var in = EmbeddedControlPlane.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            var target = workDir.resolve(fileName);
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean controllersRunning() {
        return controllersRunning;
    }

    private static io.fabric8.kubernetes.api.model.Node fakeGpuNode(int gpus) {
        Map<String, Quantity> capacity = Map.of(
                "cpu", new Quantity("32"),
                "memory", new Quantity("256Gi"),
                "pods", new Quantity("250"),
                "ephemeral-storage", new Quantity("1Ti"),
                "nvidia.com/gpu", new Quantity(Integer.toString(gpus)));
        return new NodeBuilder()
                .withNewMetadata()
                .withName(FAKE_GPU_NODE)
                .addToAnnotations(KWOK_NODE_ANNOTATION, "fake")
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .addToLabels("type", "kwok")
                .addToLabels("kubernetes.io/hostname", FAKE_GPU_NODE)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .addToLabels("nvidia.com/gpu.present", "true")
                .endMetadata()
                .withNewStatus()
                .withCapacity(capacity)
                .withAllocatable(capacity)
                .endStatus()
                .build();
    }

    /** The process id of each running part by name ({@code etcd}, {@code kube-apiserver}, …), for benchmarks. */
    public synchronized java.util.Map<String, Long> processIds() {
        var ids = new java.util.LinkedHashMap<String, Long>();
        processes.stream().filter(ManagedProcess::isAlive).forEach(process -> ids.put(process.name(), process.pid()));
        return ids;
    }

    /**
     * Kills kube-apiserver and etcd at once (SIGKILL), as a crash of the control-plane node would, for fault tests;
     * {@link #restartApiServer()} brings them back with the same data, address and credentials.
     */
    public synchronized void killApiServer() {
        for (var process : List.copyOf(processes)) {
            if (process.name().equals("kube-apiserver") || process.name().equals("etcd")) {
                process.kill();
                processes.remove(process);
            }
        }
    }

    /** Starts etcd and kube-apiserver again on the data they had, and waits until the API server is ready. */
    public synchronized void restartApiServer() {
        try {
            startApiServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startApiServer() throws IOException {
        var etcdPort = freePort();
        var peerPort = freePort();
        processes.add(ManagedProcess.start("etcd", List.of(
                binaries.etcd().toString(),
                "--name=default",
                "--data-dir=" + workDir.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-cluster=default=http://127.0.0.1:" + peerPort,
                "--unsafe-no-fsync=true",
                "--log-level=warn"), workDir));

        if (!Files.exists(workDir.resolve("sa.key"))) {
            writeServiceAccountKeys();
        }
        Files.writeString(workDir.resolve("tokens.csv"), token + ",admin,admin,\"system:masters\"\n");
        processes.add(ManagedProcess.start("kube-apiserver", List.of(
                binaries.apiServer().toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiPort,
                "--cert-dir=" + workDir.resolve("certs"),
                "--service-cluster-ip-range=10.96.0.0/16",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + workDir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + workDir.resolve("sa.key"),
                "--token-auth-file=" + workDir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--allow-privileged=true",
                "--enable-priority-and-fairness=false",
                // Off unless asked for: a diagnosis of the API server's CPU (bench/scale/README.md) reads its
                // /debug/pprof with the admin token; nothing else should reach it.
                "--profiling=" + Boolean.getBoolean(API_SERVER_PROFILING)), workDir));
        writeKubeconfig();
        awaitReady();
    }

    private void writeServiceAccountKeys() throws IOException {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            Files.writeString(workDir.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(workDir.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the service-account signing key", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void writeKubeconfig() throws IOException {
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: embedded
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: embedded
                  context:
                    cluster: embedded
                    user: admin
                    namespace: default
                current-context: embedded
                """.formatted(url(), token));
    }

    private void awaitReady() {
        var http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(2)).build();
        var request = HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5))
                .build();
        var deadline = Instant.now().plus(START_TIMEOUT);
        var started = System.nanoTime();
        while (Instant.now().isBefore(deadline)) {
            for (var process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.name() + " exited during start-up; last log lines:\n"
                            + process.tail());
                }
            }
            try {
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    log.info("Embedded Kubernetes API server {} ready at {} in {} ms", KubernetesBinaries.VERSION,
                            url(), (System.nanoTime() - started) / 1_000_000);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the API server", e);
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("kube-apiserver not ready within " + START_TIMEOUT + "; last log lines:\n"
                + processes.getLast().tail());
    }

    @Override
    public synchronized void close() {
        if (provisioner != null) {
            provisioner.close();
        }
        if (controllerClient != null) {
            controllerClient.close();
        }
        for (var process : processes.reversed()) {
            process.close();
        }
        processes.clear();
        deleteRecursively(workDir);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }

    static int freePort() {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The loopback API server presents a self-signed certificate; see the class comment. */
    private static SSLContext trustAll() {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
