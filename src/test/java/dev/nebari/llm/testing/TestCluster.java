package dev.nebari.llm.testing;

import static org.awaitility.Awaitility.await;

import dev.nebari.llm.localcluster.CrdInstaller;
import dev.nebari.llm.localcluster.EmbeddedControlPlane;
import dev.nebari.llm.localcluster.KubernetesBinaries;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real control plane shared by all API-server tests of one run, with the chart's LLMModel CRD and (on
 * request) the tested upstream CRDs and the simulated nodes. Tests isolate themselves by creating their own
 * namespace with {@link #newNamespace(String)}.
 */
public final class TestCluster implements AutoCloseable {

    private static final String MANAGED_LABEL = "nebari.dev/managed";
    private final List<String> managedNamespaces = new java.util.ArrayList<>();

    /** Where the upstream CRDs are (surefire passes ../shared/crds); overridable with -Dnebari.thirdPartyCrds. */
    public static final Path UPSTREAM_CRDS = Path.of(System.getProperty("nebari.thirdPartyCrds", "../shared/crds"));
    /** The chart's CRD directory: the tests exercise exactly what the chart ships. */
    public static final Path CHART_CRDS = Path.of(System.getProperty("nebari.crdDir", "charts/nebari-llm-serving/crds"));
    /** GPUs on the fake node that KWOK runs: enough for the models of every test class in one run (the CRD allows 64 per replica, which never fits). */
    public static final int FAKE_NODE_GPUS = 48;

    private final EmbeddedControlPlane controlPlane;
    private final KubernetesClient client;
    private boolean upstreamCrdsInstalled;

    private TestCluster(EmbeddedControlPlane controlPlane) {
        this.controlPlane = controlPlane;
        this.client = controlPlane.newClient();
    }

    private static TestCluster shared;

    /** The one cluster of this test run, started on first use and stopped when the JVM exits. */
    public static synchronized TestCluster shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "stop-test-cluster"));
        }
        return shared;
    }

    private static TestCluster start() {
        var binaries = KubernetesBinaries.locateOrBuild();
        var cluster = new TestCluster(EmbeddedControlPlane.start(binaries));
        try (var files = Files.list(CHART_CRDS)) {
            var installer = new CrdInstaller(cluster.client);
            files.filter(f -> f.toString().endsWith(".yaml")).forEach(installer::install);
        } catch (java.io.IOException e) {
            cluster.close();
            throw new IllegalStateException("cannot read the chart CRDs in " + CHART_CRDS.toAbsolutePath(), e);
        }
        return cluster;
    }

    public KubernetesClient client() {
        return client;
    }

    public EmbeddedControlPlane controlPlane() {
        return controlPlane;
    }

    public Path kubeconfig() {
        return controlPlane.kubeconfig();
    }

    /** Installs the tested upstream CRDs once; skips (fails in CI) when the directory or part of it is absent. */
    public synchronized void requireUpstreamCrds() {
        if (upstreamCrdsInstalled) {
            return;
        }
        MissingParts.require(Files.isDirectory(UPSTREAM_CRDS),
                "upstream CRDs directory " + UPSTREAM_CRDS.toAbsolutePath() + " (set -Dnebari.thirdPartyCrds)");
        List<String> missing = new CrdInstaller(client).installTestedSet(UPSTREAM_CRDS);
        MissingParts.require(missing.isEmpty(), "upstream CRDs " + missing + " under " + UPSTREAM_CRDS.toAbsolutePath());
        upstreamCrdsInstalled = true;
    }

    synchronized void startControllers() {
        controlPlane.startControllers(FAKE_NODE_GPUS);
    }

    /** Creates a namespace with a unique name starting with {@code prefix}, labelled as managed by the pack. */
    public String newNamespace(String prefix) {
        Namespace created = client.namespaces().resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withGenerateName(prefix + "-")
                        .withLabels(Map.of(MANAGED_LABEL, "true"))
                        .endMetadata()
                        .build())
                .create();
        var name = created.getMetadata().getName();
        synchronized (managedNamespaces) {
            managedNamespaces.add(name);
        }
        return name;
    }

    /** How many managed namespaces exist so far: a mark for {@link #retireNamespacesSince(int)}. */
    int managedNamespaceCount() {
        synchronized (managedNamespaces) {
            return managedNamespaces.size();
        }
    }

    /**
     * Takes the managed label off the namespaces created since {@code mark} (when a test class ends): their models
     * stay for inspection but no longer count for later classes, whose reconcilers would otherwise see two models
     * claim one model id across the shared API server, as in a real cluster.
     */
    void retireNamespacesSince(int mark) {
        List<String> retired;
        synchronized (managedNamespaces) {
            retired = List.copyOf(managedNamespaces.subList(mark, managedNamespaces.size()));
        }
        for (var namespace : retired) {
            client.namespaces().withName(namespace).edit(ns -> {
                ns.getMetadata().getLabels().remove(MANAGED_LABEL);
                return ns;
            });
        }
    }

    /**
     * Runs {@code whileMissing} with the CRD {@code name} deleted (an add-on not installed yet), then installs it again
     * as it was, also when {@code whileMissing} fails, so later tests find the cluster complete.
     */
    public void withoutCrd(String name, Runnable whileMissing) {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        var crd = crds.withName(name).get();
        crds.withName(name).delete();
        await("CRD " + name + " deleted").atMost(Duration.ofSeconds(30)).until(() -> crds.withName(name).get() == null);
        try {
            whileMissing.run();
        } finally {
            crd.getMetadata().setResourceVersion(null);
            crd.getMetadata().setUid(null);
            crd.getMetadata().setCreationTimestamp(null);
            crd.getMetadata().setManagedFields(null);
            crd.setStatus(null);
            new CrdInstaller(client).install(crd);
        }
    }

    /** Creates the namespace if it does not exist (the chart creates the keys namespace, for example). */
    public void ensureNamespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .serverSideApply();
    }

    @Override
    public void close() {
        client.close();
        controlPlane.close();
    }
}
