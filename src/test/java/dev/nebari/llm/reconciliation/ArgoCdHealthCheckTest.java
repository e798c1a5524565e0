package dev.nebari.llm.reconciliation;

import dev.nebari.llm.manifests.ChildKind;
import static dev.nebari.llm.reconciliation.StatusAggregatorTest.acceptedRoute;
import static dev.nebari.llm.reconciliation.StatusAggregatorTest.deployment;
import static dev.nebari.llm.reconciliation.StatusAggregatorTest.pod;
import static dev.nebari.llm.reconciliation.StatusAggregatorTest.seen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check of LLMModel (examples/argocd-health-llmmodel.yaml) is Lua that Argo CD runs with the live
 * object as {@code obj}. Here it runs in a Lua interpreter (LuaJ; Argo CD embeds gopher-lua, both Lua 5.1-compatible
 * for what the script uses) against models whose status the operator's own {@link StatusAggregator} wrote from
 * observations: the check must read the fields the operator really writes.
 */
class ArgoCdHealthCheckTest {

    private static final String HEALTH_KEY = "resource.customizations.health.llm.nebari.dev_LLMModel";
    private static final String PROVIDER_HEALTH_KEY = "resource.customizations.health.llm.nebari.dev_PassthroughModel";

    private final StatusAggregator operator = new StatusAggregator(ModelFixtures.settings(),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    record Health(String status, String message) {
    }

    @Test
    void aModelTheOperatorHasNotSeenYetIsProgressing() {
        assertThat(health(model(3L))).isEqualTo(new Health("Progressing", "Waiting for the operator to report the model's status"));
    }

    @Test
    void aStatusOfAnOlderGenerationIsProgressingWhateverItsPhase() {
        var model = model(3L);
        model.setStatus(operator.aggregate(model, seen(deployment(1), List.of(pod("completed", "")), Set.of(), acceptedRoute())));
        model.getMetadata().setGeneration(4L);

        assertThat(health(model)).isEqualTo(new Health("Progressing", "Waiting for the operator to reconcile generation 4"));
    }

    @Test
    void aServedModelIsHealthy() {
        var health = observed(model(3L), seen(deployment(1), List.of(pod("completed", "")), Set.of(), acceptedRoute()), Phase.Ready);

        assertThat(health).isEqualTo(new Health("Healthy", "the model is served"));
    }

    @Test
    void pendingAndDownloadingModelsAreProgressingWithTheOperatorsMessage() {
        var pending = observed(model(3L), seen(null, List.of(), Set.of(), null), Phase.Pending);
        var downloading = observed(model(3L), seen(deployment(0), List.of(pod("running", "")), Set.of(), null), Phase.Downloading);

        assertThat(pending.status()).isEqualTo("Progressing");
        assertThat(downloading.status()).isEqualTo("Progressing");
        assertThat(downloading.message()).contains("downloading Qwen/Qwen3-0.6B");
    }

    @Test
    void aFailedDownloadIsDegradedWithTheDownloadersMessage() {
        var health = observed(model(3L), seen(deployment(0), List.of(pod("failed", "401 Unauthorized: token rejected")),
                Set.of(), null), Phase.Error);

        assertThat(health.status()).isEqualTo("Degraded");
        assertThat(health.message()).contains("401 Unauthorized: token rejected");
    }

    @Test
    void aServingModelWhoseRoutesFailIsDegraded() {
        var health = observed(model(3L), seen(deployment(1), List.of(pod("completed", "")),
                Set.of(ChildKind.INFERENCE_POOL), null), Phase.Degraded);

        assertThat(health.status()).isEqualTo("Degraded");
        assertThat(health.message()).contains("inferencepools.inference.networking.k8s.io");
    }

    @Test
    void aModelScaledToZeroIsSuspended() {
        var model = ModelFixtures.parse(ModelFixtures.REFERENCE_MODEL.replace("serving:\n", "serving:\n    replicas: 0\n"));
        model.getMetadata().setGeneration(3L);

        var health = observed(model, seen(deployment(0), List.of(), Set.of(), null), Phase.Pending);

        assertThat(health.status()).isEqualTo("Suspended");
        assertThat(health.message()).contains("spec.serving.replicas is 0");
    }

    @Test
    void anExternalProviderIsJudgedByTheSameScriptFromItsOwnStatus() {
        assertThat(script(PROVIDER_HEALTH_KEY)).as("one script for both kinds").isEqualTo(script(HEALTH_KEY));
        var providers = new PassthroughStatusAggregator(ModelFixtures.settings(), operator,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        var provider = dev.nebari.llm.model.PassthroughFixtures.referencePassthrough();
        provider.getMetadata().setGeneration(2L);
        assertThat(health(provider, PROVIDER_HEALTH_KEY)).isEqualTo(new Health("Progressing", "Waiting for the operator to report the model's status"));

        provider.setStatus(providers.notManaged(provider));
        assertThat(health(provider, PROVIDER_HEALTH_KEY).status()).isEqualTo("Progressing");

        var failed = new Observations(Set.of(), null, null, List.of(), List.of(), null, null, List.of(), 0, List.of(),
                "cannot apply Backend openrouter-provider: forbidden", null, null);
        provider.setStatus(providers.aggregate(provider, failed, List.of(), List.of("openai/gpt-4o-mini"), List.of()));
        assertThat(provider.getStatus().phase()).as("the operator's phase").isEqualTo(Phase.Error);
        assertThat(health(provider, PROVIDER_HEALTH_KEY)).isEqualTo(new Health("Degraded", "cannot apply Backend openrouter-provider: forbidden"));
    }

    private Health observed(LLMModel model, Observations seen, Phase phase) {
        model.setStatus(operator.aggregate(model, seen));
        assertThat(model.getStatus().phase()).as("the operator's phase").isEqualTo(phase);
        return health(model);
    }

    private static LLMModel model(long generation) {
        var model = ModelFixtures.referenceModel();
        model.getMetadata().setGeneration(generation);
        return model;
    }

    /** Runs the documented script as Argo CD does: the object, as the API server serves it, in the global obj. */
    @SuppressWarnings("unchecked")
    private static Health health(LLMModel model) {
        return health(model, HEALTH_KEY);
    }

    @SuppressWarnings("unchecked")
    private static Health health(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
        var lua = JsePlatform.standardGlobals();
        lua.set("obj", toLua(ModelFixtures.SERIALIZATION.convertValue(object, Map.class)));
        var result = lua.load(script(key), "health.lua").call();
        return new Health(result.get("status").tojstring(), result.get("message").tojstring());
    }

    private static LuaValue toLua(Object value) {
        return switch (value) {
            case Map<?, ?> map -> {
                var table = new LuaTable();
                map.forEach((key, item) -> {
                    if (item != null) {
                        table.set(key.toString(), toLua(item));
                    }
                });
                yield table;
            }
            case List<?> list -> {
                var table = new LuaTable();
                for (int i = 0; i < list.size(); i++) {
                    table.set(i + 1, toLua(list.get(i)));
                }
                yield table;
            }
            case Boolean bool -> LuaValue.valueOf(bool);
            case Integer number -> LuaValue.valueOf(number);
            case Number number -> LuaValue.valueOf(number.doubleValue());
            default -> LuaValue.valueOf(value.toString());
        };
    }

    @SuppressWarnings("unchecked")
    private static String script(String key) {
        try {
            var file = ChartRenderer.CHART_DIR.getParent().getParent().resolve("examples/argocd-health-llmmodel.yaml");
            var patch = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(Files.readString(file), Map.class);
            return (String) ((Map<String, Object>) patch.get("data")).get(key);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
