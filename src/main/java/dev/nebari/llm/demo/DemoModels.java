package dev.nebari.llm.demo;

import dev.nebari.llm.model.LLMModel;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's models: manifests (the repository's examples) applied into one namespace that the operator manages,
 * and the wait until every one of them is Ready.
 */
final class DemoModels {

    static final String MANAGED_LABEL = dev.nebari.llm.platform.ManagedNamespaces.LABEL;
    static final String FIELD_MANAGER = "nebari-demo";

    private final KubernetesClient client;
    private final String namespace;
    private final List<LLMModel> models;

    private DemoModels(KubernetesClient client, String namespace, List<LLMModel> models) {
        this.client = client;
        this.namespace = namespace;
        this.models = models;
    }

    /** Reads the manifests now, so a wrong path fails start-up with its name. */
    static DemoModels read(KubernetesClient client, String namespace, List<String> files) {
        var models = files.stream().map(file -> {
            var path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("demo.models: " + path.toAbsolutePath() + " does not exist "
                        + "(paths are relative to the directory the application runs in)");
            }
            try (InputStream in = Files.newInputStream(path)) {
                var model = client.getKubernetesSerialization().unmarshal(in, LLMModel.class);
                model.getMetadata().setNamespace(namespace);
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }).toList();
        return new DemoModels(client, namespace, models);
    }

    List<String> names() {
        return models.stream().map(m -> namespace + "/" + m.getMetadata().getName()).toList();
    }

    /** The namespaces the demo needs (its own, managed; the keys namespace), then the models. */
    void apply(String keysNamespace) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels(MANAGED_LABEL, "true").endMetadata().build()).fieldManager(FIELD_MANAGER).forceConflicts()
                .serverSideApply();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(keysNamespace).endMetadata().build())
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        for (var model : models) {
            client.resource(model).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        }
    }

    /** Waits until every model is Ready; false (and what is not) when {@code timeout} passes first. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        var deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (notReady().isEmpty()) {
                return true;
            }
            Thread.sleep(500);
        }
        return notReady().isEmpty();
    }

    /** Model → phase of every model that is not Ready yet. */
    Map<String, String> notReady() {
        var waiting = new TreeMap<String, String>();
        for (var model : models) {
            var name = model.getMetadata().getName();
            var current = client.resources(LLMModel.class).inNamespace(namespace).withName(name).get();
            if (current == null) {
                waiting.put(name, "absent");
            } else if (!isReady(current)) {
                waiting.put(name, current.getStatus() == null || current.getStatus().phase() == null
                        ? "Pending" : current.getStatus().phase().name());
            }
        }
        return waiting;
    }

    static boolean isReady(LLMModel model) {
        return model.getStatus() != null && model.getStatus().conditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
