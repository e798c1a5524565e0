package dev.nebari.llm.manifests;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.TrafficSplit;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.PackSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * What should exist for a model now: its objects rendered from the model, the pack's settings and the access inputs
 * as they are observed at this moment. The one answer for the operator, which applies it, and for the admin API's
 * manifest preview, which shows it.
 */
public final class DesiredState {

    /**
     * What rendering needs besides the model and the settings that only the running pack can observe: the model's
     * key Secrets and client ids, the OIDC provider. Implemented where those are observed (the keys and identity
     * modules are not the renderers' to touch).
     */
    public interface ObservedInputs {
        AccessInputs accessFor(LLMModel model);

        /** The same inputs for an external provider (its keys are minted and stored like a model's). */
        AccessInputs accessFor(PassthroughModel model);
    }

    private final PackSettings settings;
    private final ObservedInputs inputs;

    public DesiredState(PackSettings settings, ObservedInputs inputs) {
        this.settings = settings;
        this.inputs = inputs;
    }

    public ModelManifests of(LLMModel model) {
        return of(model, List.of(model), true);
    }

    /** @param servedLocally the model ids LLMModels serve, which stay theirs */
    public ModelManifests of(PassthroughModel model, java.util.Set<String> servedLocally) {
        return PassthroughManifestRenderer.render(model, new RenderContext(settings, inputs.accessFor(model)), servedLocally);
    }

    /**
     * For one of several revisions of a model id ({@code revisions}, itself included): the traffic split among
     * them, and the keys of every revision, because a request to the shared id may land on any of them and a key
     * minted for one of them must work for the id (their access groups are equal, or they are not revisions).
     */
    public ModelManifests of(LLMModel model, List<LLMModel> revisions) {
        return of(model, revisions, true);
    }

    /**
     * As {@link #of(LLMModel, List)} without the workload and the picker (their lists are empty): for a pass that
     * knows them unchanged, because they are rendered from the model's name, uid and spec and the settings alone. A
     * pass that a key change starts needs only the rest, and rendering the workload and the picker was 29 % of the
     * operator's reconciling threads' samples while keys were minted (bench/scale, JFR).
     */
    public ModelManifests withoutWorkloadAndPicker(LLMModel model, List<LLMModel> revisions) {
        return of(model, revisions, false);
    }

    private ModelManifests of(LLMModel model, List<LLMModel> revisions, boolean workloadAndPicker) {
        if (revisions.size() < 2) {
            return ModelManifestRenderer.render(model, new RenderContext(settings, inputs.accessFor(model)), workloadAndPicker);
        }
        var own = inputs.accessFor(model);
        var secrets = new ArrayList<>(own.keySecretNames());
        var clientIds = new ArrayList<>(own.clientIds());
        for (var revision : revisions) {
            if (revision != model) {
                var theirs = inputs.accessFor(revision);
                secrets.addAll(theirs.keySecretNames());
                clientIds.addAll(theirs.clientIds());
            }
        }
        return ModelManifestRenderer.render(model, new RenderContext(settings,
                new AccessInputs(secrets, clientIds, own.oidc()), TrafficSplit.among(revisions)), workloadAndPicker);
    }
}
