package dev.nebari.llm;

import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.localcluster.KubernetesBinaries;
import dev.nebari.llm.reconciliation.ReconcileBenchmark;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.FreePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the whole-application benchmarks (bench/memory, bench/scale, bench/faults) run against: a real kube-apiserver +
 * etcd with our CRD and the tested upstream CRDs, the models' (managed), keys' and release's namespaces, an OIDC
 * issuer stand-in, and ({@link #withWebhook}) the admission webhook registered with the API server at a loopback
 * port, as the chart registers it (every model create and update goes through it). Also the arguments that point the
 * application at all of it.
 */
final class BenchCluster implements AutoCloseable {

    final EmbeddedControlPlane plane;
    final FakeOidcIssuer issuer;
    final KubernetesClient client;
    final int webhookPort = FreePort.any();

    private BenchCluster(EmbeddedControlPlane plane, FakeOidcIssuer issuer, KubernetesClient client) {
        this.plane = plane;
        this.issuer = issuer;
        this.client = client;
    }

    /** Starts it all; {@code moreManagedNamespaces} for a peer's objects beside the models. */
    static BenchCluster start(String... moreManagedNamespaces) {
        var plane = EmbeddedControlPlane.start(KubernetesBinaries.locateOrBuild());
        var issuer = FakeOidcIssuer.start();
        var config = new io.fabric8.kubernetes.client.ConfigBuilder(plane.clientConfig()).withMaxConcurrentRequests(64).build();
        var cluster = new BenchCluster(plane, issuer, new KubernetesClientBuilder().withConfig(config).build());
        var crds = Path.of(System.getProperty("nebari.thirdPartyCrds", "../shared/crds"));
        ReconcileBenchmark.installCrds(cluster.client, crds, "gateway objects are skipped as CRDNotInstalled");
        ReconcileBenchmark.namespace(cluster.client, MemoryBenchmark.MODELS_NAMESPACE, true);
        for (var namespace : moreManagedNamespaces) {
            ReconcileBenchmark.namespace(cluster.client, namespace, true);
        }
        ReconcileBenchmark.namespace(cluster.client, "llm-api-keys", false);
        ReconcileBenchmark.namespace(cluster.client, MemoryBenchmark.RELEASE_NAMESPACE, false);
        return cluster;
    }

    /** Registers the webhook (failing closed): from now on no model is created without the application running. */
    BenchCluster withWebhook() {
        MemoryBenchmark.registerWebhook(client, webhookPort);
        return this;
    }

    /** The settings every process of the application needs: the cluster, the platform's domain, the issuer. */
    private List<String> commonArguments() {
        return List.of("--cluster.kubeconfig=" + plane.kubeconfig(), "--cluster.embedded=never",
                "--platform.baseDomain=nebari.example.com", "--auth.oidc.issuerURL=" + issuer.issuer());
    }

    /** The operator profile's settings: leader election in the release namespace and the webhook on {@code port}. */
    private List<String> operatorArguments(int port) {
        return List.of("--leader-election.namespace=" + MemoryBenchmark.RELEASE_NAMESPACE, "--webhook.enabled=true",
                "--webhook.port=" + port, "--webhook.namespace=" + MemoryBenchmark.RELEASE_NAMESPACE);
    }

    /** The portal profile's settings: its login client at the issuer. */
    private List<String> portalArguments() {
        return List.of("--portal.login.clientId=" + dev.nebari.llm.testing.TestApplication.PORTAL_CLIENT_ID);
    }

    /** The arguments of one process with the given profiles (comma-separated) and, for the operator, its webhook port. */
    List<String> arguments(String profiles, int webhookPort) {
        var arguments = new ArrayList<>(commonArguments());
        arguments.add("--spring.profiles.active=" + profiles);
        if (profiles.contains("operator")) {
            arguments.addAll(operatorArguments(webhookPort));
        }
        if (profiles.contains("portal")) {
            arguments.addAll(portalArguments());
        }
        return arguments;
    }

    @Override
    public void close() {
        client.close();
        issuer.close();
        plane.close();
    }
}
