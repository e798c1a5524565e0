package dev.nebari.llm.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.gateway.AccessInputs;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.model.AdvancedSpec;
import dev.nebari.llm.model.EndpointsSpec;
import dev.nebari.llm.model.ExternalEndpointSpec;
import dev.nebari.llm.model.GpuSpec;
import dev.nebari.llm.model.InferencePoolSpec;
import dev.nebari.llm.model.InternalEndpointSpec;
import dev.nebari.llm.model.AdapterSpec;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.LimitsSpec;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.model.ModelSpec;
import dev.nebari.llm.model.MonitoringSpec;
import dev.nebari.llm.model.ResourcesSpec;
import dev.nebari.llm.model.AutoscalingSpec;
import dev.nebari.llm.model.ServingSpec;
import dev.nebari.llm.model.StorageSpec;
import dev.nebari.llm.model.StorageType;
import dev.nebari.llm.model.UpdateStrategy;
import dev.nebari.llm.model.VllmSpec;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.SeededInputs;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For any LLMModel the CRD accepts: rendering never throws, every object carries the pack's labels and a valid
 * name, objects land in the right namespace, and third-party objects conform to their upstream schemas. 300 models
 * from seeds (the seed is in the test's name, to rerun a failure).
 */
class RenderingProperties {

    /** Kinds whose names must be DNS labels (≤ 63): Services (DNS name) and the pool (its name is a label value). */
    static final Set<String> DNS_LABEL_KINDS = Set.of("Service", "InferencePool");

    static final Optional<ThirdPartySchemas> SCHEMAS = ThirdPartySchemas.load();

    static LongStream seeds() {
        return SeededInputs.seeds(300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anySchemaValidModelRendersValidObjects(long seed) {
        var inputs = new SeededInputs(seed);
        var model = model(inputs);
        var mode = inputs.oneOf(RoutingMode.values());
        var access = access(inputs);
        var manifests = ModelManifestRenderer.render(model, new RenderContext(ModelFixtures.settings(mode), access));
        var name = model.getMetadata().getName();
        var namespace = model.getMetadata().getNamespace();

        assertThat(manifests.all()).isNotEmpty().allSatisfy(object -> {
            var meta = object.getMetadata();
            assertThat(meta.getLabels())
                    .containsEntry(ModelObjects.MANAGED_BY, ModelObjects.PACK)
                    .containsEntry(ModelObjects.PART_OF, ModelObjects.PACK)
                    .containsEntry(ModelObjects.MODEL, name)
                    .containsKey(ModelObjects.COMPONENT);
            assertThat(meta.getLabels().values()).allSatisfy(value -> assertThat(value).hasSizeLessThanOrEqualTo(63));
            assertThat(meta.getName()).hasSizeLessThanOrEqualTo(DNS_LABEL_KINDS.contains(object.getKind()) ? 63 : 253)
                    .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            SCHEMAS.filter(schemas -> schemas.covers(object)).ifPresent(schemas ->
                    assertThat(schemas.violations(object)).as("%s %s", object.getKind(), meta.getName()).isEmpty());
        });
        assertThat(manifests.inNamespace()).allSatisfy(object -> assertThat(object.getMetadata().getNamespace()).isEqualTo(namespace));
        // Every route answers to exactly the model's ids: its own and its adapters'.
        assertThat(manifests.all()).filteredOn(object -> object.getKind().equals("AIGatewayRoute")).allSatisfy(route ->
                assertThat(dev.nebari.llm.model.ObjectTree.of(route).list("spec.rules[0].matches"))
                        .extracting(match -> (String) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) match).get("headers")).getFirst()).get("value"))
                        .containsExactlyElementsOf(model.getSpec().servedModelIds()));
        var pod = manifests.all().stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d
                && d.getMetadata().getName().equals(name)).map(o -> ((io.fabric8.kubernetes.api.model.apps.Deployment) o)
                .getSpec().getTemplate().getSpec()).findFirst().orElseThrow();
        assertThat(pod.getInitContainers()).allSatisfy(c -> assertThat(c.getName()).matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"));
        assertThat(manifests.elsewhere()).allSatisfy(object ->
                assertThat(object.getMetadata().getLabels()).containsEntry(ModelObjects.MODEL_NAMESPACE, namespace));
    }

    static AccessInputs access(SeededInputs in) {
        var secrets = in.list(0, 3, () -> dnsLabel(in, 20));
        var clientIds = in.list(0, 600, () -> in.string("abcdef0123456789-", 1, 40));
        var issuer = in.oneOf("https://id.example.com/realms/a", "https://login.example.org");
        var oidc = in.orNull(0.2, () -> new AccessInputs.OidcProvider(issuer, issuer + "/jwks"));
        return new AccessInputs(secrets, clientIds, oidc);
    }

    static LLMModel model(SeededInputs in) {
        var name = dnsLabel(in, ModelObjects.MAX_MODEL_NAME_LENGTH);
        var llm = new LLMModel();
        llm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(dnsLabel(in, 63)).withUid("uid-" + name).build());
        var limit = (java.util.function.Supplier<Long>) () -> in.orNull(0.4, () -> in.between(1L, 4_294_967_295L));
        var limits = in.orNull(0.5, () -> new LimitsSpec(limit.get(), limit.get(), limit.get()));
        var modelSpec = modelSpec(in);
        llm.setSpec(new LLMModelSpec(modelSpec, resources(in), serving(in), accessSpec(in), endpoints(in), limits,
                advanced(in), null, adapters(in, modelSpec.name())));
        return llm;
    }

    /** None in half the models, else up to the CRD's maximum, with ids unlike the base model's and each other's. */
    static List<AdapterSpec> adapters(SeededInputs in, String baseId) {
        var alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var ids = new java.util.LinkedHashSet<String>();
        var count = in.bool() ? 0 : in.between(1, LLMModelSpec.MAX_ADAPTERS);
        while (ids.size() < count) {
            var id = in.string(alnum, 1, 1) + in.string(alnum + "._-", 0, 60)
                    + (in.bool() ? "/" + in.string(alnum, 1, 1) + in.string(alnum + "._-", 0, 60) : "");
            if (!id.equals(baseId)) {
                ids.add(id);
            }
        }
        return ids.stream().map(id -> in.bool()
                ? new AdapterSpec(id, ModelSource.OCI, null, null, "adapters/" + id.toLowerCase().replaceAll("[^a-z0-9]", "") + ":1")
                : new AdapterSpec(id, null, in.orNull(0.5, () -> "org/" + in.string(alnum, 1, 30)),
                        in.orNull(0.5, () -> in.oneOf("main", "v2")), null)).toList();
    }

    static ModelSpec modelSpec(SeededInputs in) {
        var alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var id = in.bool()
                ? in.string(alnum, 1, 1) + in.string(alnum + "._-", 0, 60) + "/" + in.string(alnum, 1, 1) + in.string(alnum + "._-", 0, 60)
                : in.string(alnum, 1, 1) + in.string(alnum + "._-", 0, 60);
        var source = in.oneOf(ModelSource.values());
        var revision = in.orNull(0.5, () -> in.oneOf("main", "v1.0", "0123456789abcdef0123456789abcdef01234567"));
        var secret = in.orNull(0.5, () -> dnsLabel(in, 40));
        var storageType = in.oneOf(StorageType.values());
        var size = in.orNull(0.2, () -> in.oneOf("1Gi", "20Gi", "500Mi"));
        var preload = in.bool();
        var storageClass = in.orNull(0.5, () -> dnsLabel(in, 30));
        if (source == ModelSource.OCI) {
            return new ModelSpec(id, source, revision, secret, "weights-" + id.toLowerCase().replaceAll("[^a-z0-9]", "") + ":1",
                    size == null ? null : new StorageSpec(storageType, new Quantity(size), storageClass), preload, null);
        }
        // CEL: pvc storage needs a size; a Hub endpoint only for Hugging Face models.
        var effectiveSize = storageType == StorageType.PVC && size == null ? "10Gi" : size;
        var hubEndpoint = in.orNull(0.5, () -> in.oneOf("https://hf-mirror.example.com", "http://hf-mirror.mirrors.svc:8080/api/hf"));
        return new ModelSpec(id, source, revision, secret, null,
                new StorageSpec(storageType, effectiveSize == null ? null : new Quantity(effectiveSize), storageClass), preload,
                hubEndpoint);
    }

    static ResourcesSpec resources(SeededInputs in) {
        java.util.function.Supplier<Map<String, Quantity>> quantities = () -> {
            var map = new java.util.HashMap<String, Quantity>();
            for (int i = in.between(0, 2); i > 0; i--) {
                map.put(in.oneOf("cpu", "memory"), new Quantity(in.oneOf("1", "500m", "16Gi")));
            }
            return map;
        };
        return new ResourcesSpec(new GpuSpec(in.between(0, 8), null), quantities.get(), quantities.get());
    }

    static ServingSpec serving(SeededInputs in) {
        return new ServingSpec(in.orNull(0.7, () -> in.oneOf("vllm:1", "custom/vllm:2")),
                in.oneOf(List.<String>of(), List.of("vllm", "serve")), in.between(0, 4),
                in.orNull(0.5, () -> in.between(1, 8)), in.between(1, 4),
                in.oneOf(List.<String>of(), List.of("--max-model-len", "4096")), in.oneOf(UpdateStrategy.values()),
                new MonitoringSpec(in.orNull(0.4, in::bool)), in.oneOf(List.<String>of(), List.of("registry-credentials")),
                in.orNull(0.7, () -> new AutoscalingSpec(1, in.between(1, 8), null, null, null)));
    }

    static AccessSpec accessSpec(SeededInputs in) {
        var groups = in.list(0, 64, () -> in.string("abcdefghijklmnopqrstuvwxyz/-_", 1, 30));
        return new AccessSpec(in.bool() || groups.isEmpty(), groups);
    }

    static EndpointsSpec endpoints(SeededInputs in) {
        return new EndpointsSpec(new ExternalEndpointSpec(in.bool(), in.orNull(0.6, () -> dnsLabel(in, 63))),
                new InternalEndpointSpec(in.bool()), in.oneOf("600s", "10m", "1h30m", "90s"));
    }

    static AdvancedSpec advanced(SeededInputs in) {
        var tolerations = in.oneOf(
                List.<Toleration>of(),
                List.of(new Toleration("NoSchedule", "nvidia.com/gpu", "Exists", null, null)),
                List.of(new Toleration(null, null, "Exists", null, null)),
                List.of(new Toleration("NoExecute", "dedicated", "Equal", null, "llm")));
        var schedulerConfig = in.oneOf(Map.<String, Object>of(), Map.<String, Object>of("kind", "EndpointPickerConfig", "plugins", List.of()));
        return new AdvancedSpec(new VllmSpec(List.of(), List.of(), tolerations, Map.of(), null), new InferencePoolSpec(schedulerConfig));
    }

    /** RFC 1123 labels of 1..max characters. */
    static String dnsLabel(SeededInputs in, int max) {
        var edge = "abcdefghijklmnopqrstuvwxyz0123456789";
        return in.bool() ? in.string(edge, 1, 1)
                : in.string(edge, 1, 1) + in.string(edge + "-", 0, max - 2) + in.string(edge, 1, 1);
    }
}
