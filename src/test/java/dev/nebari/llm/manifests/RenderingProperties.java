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
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.LimitsSpec;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.model.ModelSpec;
import dev.nebari.llm.model.MonitoringSpec;
import dev.nebari.llm.model.ResourcesSpec;
import dev.nebari.llm.model.ServingSpec;
import dev.nebari.llm.model.StorageSpec;
import dev.nebari.llm.model.StorageType;
import dev.nebari.llm.model.UpdateStrategy;
import dev.nebari.llm.model.VllmSpec;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For any LLMModel the CRD accepts: rendering never throws, every object carries the pack's labels and a valid
 * name, objects land in the right namespace, and third-party objects conform to their upstream schemas.
 */
class RenderingProperties {

    /** Kinds whose names must be DNS labels (≤ 63): Services (DNS name) and the pool (its name is a label value). */
    static final Set<String> DNS_LABEL_KINDS = Set.of("Service", "InferencePool");

    static final Optional<ThirdPartySchemas> SCHEMAS = ThirdPartySchemas.load();

    @Property(tries = 300)
    void anySchemaValidModelRendersValidObjects(@ForAll("models") LLMModel model, @ForAll RoutingMode mode,
                                                @ForAll("access") AccessInputs access) {
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
        assertThat(manifests.elsewhere()).allSatisfy(object ->
                assertThat(object.getMetadata().getLabels()).containsEntry(ModelObjects.MODEL_NAMESPACE, namespace));
    }

    @Provide
    Arbitrary<AccessInputs> access() {
        var secrets = dnsLabel(20).list().ofMaxSize(3);
        var clientIds = Arbitraries.strings().withChars("abcdef0123456789-").ofMinLength(1).ofMaxLength(40).list().ofMaxSize(600);
        var oidc = Arbitraries.of("https://id.example.com/realms/a", "https://login.example.org")
                .map(issuer -> new AccessInputs.OidcProvider(issuer, issuer + "/jwks")).injectNull(0.2);
        return Combinators.combine(secrets, clientIds, oidc).as(AccessInputs::new);
    }

    @Provide
    Arbitrary<LLMModel> models() {
        var name = dnsLabel(ModelObjects.MAX_MODEL_NAME_LENGTH);
        var namespace = dnsLabel(63);
        return Combinators.combine(name, namespace, modelSpecs(), resources(), serving(), accessSpecs(), endpoints(), limitsAndAdvanced())
                .as((n, ns, model, resources, serving, access, endpoints, rest) -> {
                    var llm = new LLMModel();
                    llm.setMetadata(new ObjectMetaBuilder().withName(n).withNamespace(ns).withUid("uid-" + n).build());
                    llm.setSpec(new LLMModelSpec(model, resources, serving, access, endpoints, rest.limits(), rest.advanced()));
                    return llm;
                });
    }

    record Rest(LimitsSpec limits, AdvancedSpec advanced) {
    }

    Arbitrary<ModelSpec> modelSpecs() {
        var part = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars("._-")
                .ofMinLength(0).ofMaxLength(60);
        var first = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').ofLength(1);
        var id = Combinators.combine(first, part, first, part, Arbitraries.of(true, false))
                .as((a, b, c, d, org) -> org ? a + b + "/" + c + d : a + b);
        var revision = Arbitraries.of("main", "v1.0", "0123456789abcdef0123456789abcdef01234567").injectNull(0.5);
        var secret = dnsLabel(40).injectNull(0.5);
        var specs = Combinators.combine(id, Arbitraries.of(ModelSource.class), revision, secret, Arbitraries.of(StorageType.class),
                        Arbitraries.of("1Gi", "20Gi", "500Mi").injectNull(0.2), Arbitraries.of(true, false), dnsLabel(30).injectNull(0.5))
                .as((modelId, source, rev, auth, storageType, size, preload, storageClass) -> {
                    if (source == ModelSource.OCI) {
                        return new ModelSpec(modelId, source, rev, auth, "weights-" + modelId.toLowerCase().replaceAll("[^a-z0-9]", "") + ":1",
                                size == null ? null : new StorageSpec(storageType, new Quantity(size), storageClass), preload, null);
                    }
                    // CEL: pvc storage needs a size.
                    var effectiveSize = storageType == StorageType.PVC && size == null ? "10Gi" : size;
                    return new ModelSpec(modelId, source, rev, auth, null,
                            new StorageSpec(storageType, effectiveSize == null ? null : new Quantity(effectiveSize), storageClass), preload, null);
                });
        // CEL: a Hub endpoint only for Hugging Face models.
        var hubEndpoints = Arbitraries.of("https://hf-mirror.example.com", "http://hf-mirror.mirrors.svc:8080/api/hf").injectNull(0.5);
        return Combinators.combine(specs, hubEndpoints).as((spec, endpoint) -> spec.source() == ModelSource.OCI ? spec
                : new ModelSpec(spec.name(), spec.source(), spec.revision(), spec.authSecretName(), spec.image(), spec.storage(),
                        spec.preload(), endpoint));
    }

    Arbitrary<ResourcesSpec> resources() {
        var quantities = Arbitraries.maps(Arbitraries.of("cpu", "memory"), Arbitraries.of("1", "500m", "16Gi").map(Quantity::new)).ofMaxSize(2);
        return Combinators.combine(Arbitraries.integers().between(0, 8), quantities, quantities)
                .as((gpus, requests, limits) -> new ResourcesSpec(new GpuSpec(gpus, null), requests, limits));
    }

    Arbitrary<ServingSpec> serving() {
        return Combinators.combine(
                        Arbitraries.of("vllm:1", "custom/vllm:2").injectNull(0.7),
                        Arbitraries.of(List.<String>of(), List.of("vllm", "serve")),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(1, 8).injectNull(0.5),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.of(List.<String>of(), List.of("--max-model-len", "4096")),
                        Arbitraries.of(UpdateStrategy.class),
                        Arbitraries.of(true, false).injectNull(0.4))
                .as((image, command, replicas, tp, dp, args, strategy, monitoring) ->
                        new ServingSpec(image, command, replicas, tp, dp, args, strategy, new MonitoringSpec(monitoring)));
    }

    Arbitrary<AccessSpec> accessSpecs() {
        var groups = Arbitraries.strings().withCharRange('a', 'z').withChars("/-_").ofMinLength(1).ofMaxLength(30).list().ofMaxSize(64);
        return Combinators.combine(Arbitraries.of(true, false), groups)
                .as((isPublic, g) -> new AccessSpec(isPublic || g.isEmpty(), g));
    }

    Arbitrary<EndpointsSpec> endpoints() {
        return Combinators.combine(Arbitraries.of(true, false), dnsLabel(63).injectNull(0.6), Arbitraries.of(true, false),
                        Arbitraries.of("600s", "10m", "1h30m", "90s"))
                .as((external, subdomain, internal, timeout) ->
                        new EndpointsSpec(new ExternalEndpointSpec(external, subdomain), new InternalEndpointSpec(internal), timeout));
    }

    Arbitrary<Rest> limitsAndAdvanced() {
        var limit = Arbitraries.longs().between(1, 4_294_967_295L).injectNull(0.4);
        var limits = Combinators.combine(limit, limit, limit).as(LimitsSpec::new).injectNull(0.5);
        var tolerations = Arbitraries.of(
                List.<Toleration>of(),
                List.of(new Toleration("NoSchedule", "nvidia.com/gpu", "Exists", null, null)),
                List.of(new Toleration(null, null, "Exists", null, null)),
                List.of(new Toleration("NoExecute", "dedicated", "Equal", null, "llm")));
        var schedulerConfig = Arbitraries.of(Map.<String, Object>of(), Map.<String, Object>of("kind", "EndpointPickerConfig", "plugins", List.of()));
        return Combinators.combine(limits, tolerations, schedulerConfig)
                .as((l, t, config) -> new Rest(l, new AdvancedSpec(
                        new VllmSpec(List.of(), List.of(), t, Map.of(), null), new InferencePoolSpec(config))));
    }

    /** RFC 1123 labels of 1..max characters. */
    static Arbitrary<String> dnsLabel(int max) {
        var edge = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1);
        var middle = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMinLength(0).ofMaxLength(max - 2);
        return Combinators.combine(edge, middle, edge, Arbitraries.of(true, false))
                .as((a, m, z, single) -> single ? a : a + m + z);
    }
}
