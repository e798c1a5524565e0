package dev.nebari.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowingConsumer;

/**
 * An LLMModel as the API server keeps it, for tests that wait on what the operator writes:
 * {@code assertThatModel(client, namespace, "alpha").within(TIMEOUT).eventuallyHasStatus(status -> ...)}. Each check
 * reads the model afresh; a missing status fails the check, so a wait goes on until the operator has written one.
 */
public final class ModelAssert {

    private final Resource<LLMModel> model;
    private final String description;
    private Duration timeout = Duration.ofSeconds(30);

    private ModelAssert(Resource<LLMModel> model, String description) {
        this.model = model;
        this.description = description;
    }

    public static ModelAssert assertThatModel(KubernetesClient client, String namespace, String name) {
        return new ModelAssert(client.resources(LLMModel.class).inNamespace(namespace).withName(name),
                "LLMModel " + namespace + "/" + name);
    }

    /** How long the {@code eventually} checks wait (30 seconds unless set). */
    public ModelAssert within(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Waits until the model has a status that meets {@code requirements}, and returns that status. */
    public LLMModelStatus eventuallyHasStatus(ThrowingConsumer<LLMModelStatus> requirements) {
        var met = new AtomicReference<LLMModelStatus>();
        await(description).atMost(timeout).untilAsserted(() -> {
            var status = status();
            requirements.accept(status);
            met.set(status);
        });
        return met.get();
    }

    /** Waits until the model no longer exists (its finalizer has run). */
    public void eventuallyIsGone() {
        await(description + " deleted").atMost(timeout).untilAsserted(() -> assertThat(model.get()).as(description).isNull());
    }

    /** The model's status now; fails when the model or its status is missing. */
    public LLMModelStatus status() {
        var current = model.get();
        assertThat(current).as(description).isNotNull();
        assertThat(current.getStatus()).as("status of %s", description).isNotNull();
        return current.getStatus();
    }
}
