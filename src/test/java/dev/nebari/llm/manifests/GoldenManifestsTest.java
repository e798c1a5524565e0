package dev.nebari.llm.manifests;

import static dev.nebari.llm.model.ModelFixtures.SERIALIZATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.gateway.KeyCheckRouteRenderer;
import dev.nebari.llm.model.AdapterSpec;
import dev.nebari.llm.model.AutoscalingSpec;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ServingSpec;
import dev.nebari.llm.model.LimitsSpec;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Everything rendered for the reference model, byte for byte, in each routing mode with and without limits.
 * A diff here is a change to what lands in clusters: review it, then regenerate with
 * {@code ./mvnw test -Dtest=GoldenManifestsTest -Dgolden.update=true}.
 */
class GoldenManifestsTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    static final AccessInputs ACCESS = new AccessInputs(
            List.of("keys.team-a.qwen3.0", "keys.team-a.qwen3.1"),
            List.of("k-7f3a9c", "k-01b2c3"),
            new AccessInputs.OidcProvider("https://id.example.com/realms/nebari", "https://id.example.com/realms/nebari/protocol/openid-connect/certs"));

    @ParameterizedTest(name = "{0}")
    @CsvSource({"shared, SHARED, false", "shared-limits, SHARED, true", "subdomain, SUBDOMAIN, false", "subdomain-limits, SUBDOMAIN, true"})
    void rendersTheReferenceModelExactlyAsRecorded(String golden, RoutingMode mode, boolean limits) throws IOException {
        var manifests = ModelManifestRenderer.render(referenceModel(limits), new RenderContext(ModelFixtures.settings(mode), ACCESS));
        var actual = asYaml(manifests);
        var file = GOLDEN.resolve(golden + ".yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    /** Shared routing mode's pack-wide key check, listing the key Secrets of two models. */
    @Test
    void rendersTheKeyCheckRouteExactlyAsRecorded() throws IOException {
        var objects = KeyCheckRouteRenderer.render(ModelFixtures.settings(RoutingMode.SHARED),
                List.of("keys.team-b.llama.0", "keys.team-a.qwen3.1", "keys.team-a.qwen3.0"));
        var actual = objects.stream().map(SERIALIZATION::asYaml)
                .map(yaml -> yaml.startsWith("---\n") ? yaml : "---\n" + yaml).collect(Collectors.joining());
        var file = GOLDEN.resolve("key-check-route.yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    /** The reference model with spec.serving.autoscaling: its workload, HPA included. */
    @Test
    void rendersTheWorkloadOfAnAutoscaledModelExactlyAsRecorded() throws IOException {
        var model = ModelFixtures.withSpec(ModelFixtures.referenceModel(), spec -> new LLMModelSpec(spec.model(),
                spec.resources(), autoscaled(spec.serving()),
                spec.access(), spec.endpoints(), spec.limits(), spec.advanced(), spec.traffic(), spec.adapters()));
        var manifests = ModelManifestRenderer.render(model, new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), ACCESS));
        var actual = manifests.workload().stream().map(m -> SERIALIZATION.asYaml(m.object()))
                .map(yaml -> yaml.startsWith("---\n") ? yaml : "---\n" + yaml).collect(Collectors.joining());
        var file = GOLDEN.resolve("autoscaled-workload.yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    /**
     * The reference model as the blue revision of its id with an alias, while a green revision {@code qwen3-green}
     * takes 20 of its traffic: vLLM answers to the alias, the weighted backend of its Service, and routes whose one
     * rule matches the id and the alias and splits 80/20 between the two revisions' weighted backends.
     */
    @Test
    void rendersARevisionWithAnAliasInAWeightedGroupExactlyAsRecorded() throws IOException {
        var manifests = weightedRevisionWithAlias();
        var actual = asYaml(manifests);
        var file = GOLDEN.resolve("weighted-revision-with-alias.yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    /** Everything of the blue revision {@code qwen3} (alias chat-default, weight 80) beside green (weight 20). */
    static ModelManifests weightedRevisionWithAlias() {
        var blue = ModelFixtures.parse(ModelFixtures.REFERENCE_MODEL.replace("    name: Qwen/Qwen3-0.6B\n",
                "    name: Qwen/Qwen3-0.6B\n    aliases: [chat-default]\n") + "  traffic: {weight: 80}\n");
        var green = ModelFixtures.parse(ModelFixtures.REFERENCE_MODEL.replace("name: qwen3\n", "name: qwen3-green\n")
                .replace("    name: Qwen/Qwen3-0.6B\n", "    name: Qwen/Qwen3-0.6B\n    aliases: [chat-default]\n")
                + "  traffic: {weight: 20}\n");
        var split = dev.nebari.llm.gateway.TrafficSplit.among(List.of(blue, green));
        return ModelManifestRenderer.render(blue, new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), ACCESS, split));
    }

    /**
     * The reference model with LoRA adapters (two from the Hub, one pinned; one from an OCI image): the downloader
     * fetches the Hub ones after the model, a copy container the image's, vLLM serves each under its name, and both
     * routes match every id.
     */
    @Test
    void rendersAModelWithLoraAdaptersExactlyAsRecorded() throws IOException {
        var manifests = ModelManifestRenderer.render(withAdapters(), new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), ACCESS));
        var actual = asYaml(manifests);
        var file = GOLDEN.resolve("lora-adapters.yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    static LLMModel withAdapters() {
        return ModelFixtures.withSpec(ModelFixtures.referenceModel(), spec -> new LLMModelSpec(spec.model(),
                spec.resources(), spec.serving(), spec.access(), spec.endpoints(), spec.limits(), spec.advanced(), spec.traffic(), List.of(
                        new AdapterSpec("team-a/qwen3-sql", null, "acme/qwen3-0.6b-sql-lora", "v1.2", null),
                        new AdapterSpec("acme/qwen3-0.6b-support-lora", null, null, null, null),
                        new AdapterSpec("team-a/qwen3-legal", ModelSource.OCI, null, null, "registry.example.com/team-a/qwen3-legal-lora:3"))));
    }

    static ServingSpec autoscaled(ServingSpec s) {
        return new ServingSpec(s.image(), s.command(), s.replicas(), s.tensorParallelism(), s.dataParallelism(),
                s.vllmArgs(), s.updateStrategy(), s.monitoring(), s.imagePullSecrets(), new AutoscalingSpec(1, 4, null, null, null));
    }

    static LLMModel referenceModel(boolean limits) {
        var model = ModelFixtures.referenceModel();
        return !limits ? model : ModelFixtures.withSpec(model, spec -> new LLMModelSpec(spec.model(), spec.resources(), spec.serving(),
                spec.access(), spec.endpoints(), new LimitsSpec(60L, 20_000L, 2_000_000L), spec.advanced(), spec.traffic(), spec.adapters()));
    }

    static String asYaml(ModelManifests manifests) {
        return manifests.all().stream()
                .map(SERIALIZATION::asYaml)
                .map(yaml -> yaml.startsWith("---\n") ? yaml : "---\n" + yaml)
                .collect(Collectors.joining());
    }
}
