package dev.nebari.llm.localcluster;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Installs CRDs with server-side apply (client-side apply cannot: some upstream CRDs exceed the 256 KiB
 * last-applied annotation) and waits until each is Established.
 */
public final class CrdInstaller {

    /** Our own CRD, generated into the classpath by the build. */
    public static final String OWN_CRD_RESOURCE = "/crds/llmmodels.llm.nebari.dev.yaml";
    /** Our second CRD (external providers), generated beside the first. */
    public static final String PASSTHROUGH_CRD_RESOURCE = "/crds/passthroughmodels.llm.nebari.dev.yaml";

    /**
     * The upstream CRDs we test against, relative to the shared CRD directory: AI Gateway 1.1.0 with Envoy Gateway
     * 1.8.3 and Gateway API 1.5.1 (the pairing AI Gateway lists as tested), GIE 1.6.0 InferencePool, both
     * InferenceObjective groups, prometheus-operator, cert-manager and NebariApp.
     */
    public static final List<String> TESTED_SET = List.of(
            "envoy-ai-gateway/v1.1.0",
            "envoy-gateway/v1.8.3",
            "gateway-api/v1.5.1",
            "gateway-api-inference-extension/v1.6.0",
            "gateway-api-inference-extension/v1.5.0",
            "llm-d-router/v0.10.0",
            "prometheus-operator/v0.93.0",
            "cert-manager/v1.21.1",
            "nebari-operator/v0.1.0");

    private static final String FIELD_MANAGER = "nebari-llm-serving-crd-installer";

    private final KubernetesClient client;

    public CrdInstaller(KubernetesClient client) {
        this.client = client;
    }

    /** Installs our CRDs shipped on the classpath (LLMModel and PassthroughModel); returns the LLMModel CRD. */
    public CustomResourceDefinition installOwn() {
        apply(ownCrd(PASSTHROUGH_CRD_RESOURCE));
        return apply(ownCrd(OWN_CRD_RESOURCE));
    }

    private static CustomResourceDefinition ownCrd(String resource) {
        try (InputStream in = CrdInstaller.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath; build with ./mvnw process-classes");
            }
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs a CRD file (for example the chart's copy). */
    public CustomResourceDefinition install(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return apply(Serialization.unmarshal(in, CustomResourceDefinition.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CRD " + file, e);
        }
    }

    /** Installs a CRD object and waits until it is Established. */
    public CustomResourceDefinition install(CustomResourceDefinition crd) {
        return apply(crd);
    }

    /** Installs every CRD of the tested set found under {@code root}; returns the missing directories. */
    public List<String> installTestedSet(Path root) {
        var missing = new ArrayList<String>();
        var crds = new ArrayList<CustomResourceDefinition>();
        for (var dir : TESTED_SET) {
            var path = root.resolve(dir);
            if (!Files.isDirectory(path)) {
                missing.add(dir);
                continue;
            }
            try (Stream<Path> files = Files.list(path)) {
                for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        crds.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CRDs in " + path, e);
            }
        }
        installAll(crds);
        return missing;
    }

    /**
     * Applies every CRD first and only then waits for each to be Established, so the API server compiles the
     * (large) upstream schemas concurrently instead of one after the other.
     */
    public void installAll(List<CustomResourceDefinition> crds) {
        crds.stream().map(this::applyWithoutWaiting).toList().forEach(this::awaitEstablished);
    }

    private CustomResourceDefinition apply(CustomResourceDefinition crd) {
        var applied = applyWithoutWaiting(crd);
        awaitEstablished(applied);
        return applied;
    }

    private CustomResourceDefinition applyWithoutWaiting(CustomResourceDefinition crd) {
        crd.getMetadata().setManagedFields(null);
        crd.getMetadata().setResourceVersion(null);
        return client.apiextensions().v1().customResourceDefinitions().resource(crd)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    private void awaitEstablished(CustomResourceDefinition crd) {
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream()
                                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                        60, TimeUnit.SECONDS);
    }
}
