package dev.nebari.llm.model;

import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** Shared test fixtures: pack settings as the chart's defaults give them, and a reference model. */
public final class ModelFixtures {

    public static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A model with every section filled in, as an admin would write it. */
    public static final String REFERENCE_MODEL = """
            apiVersion: llm.nebari.dev/v1alpha1
            kind: LLMModel
            metadata:
              name: qwen3
              namespace: team-a
              uid: 6f1c2d3e-0000-4000-8000-000000000001
            spec:
              model:
                name: Qwen/Qwen3-0.6B
                revision: main
                authSecretName: hf-token
                storage:
                  size: 20Gi
              resources:
                gpu:
                  count: 2
                requests:
                  cpu: "4"
                  memory: 32Gi
                limits:
                  memory: 48Gi
              serving:
                vllmArgs: ["--max-model-len", "8192"]
              access:
                groups: [data-science]
              advanced:
                vllm:
                  extraArgs: ["--enable-prefix-caching"]
            """;

    private ModelFixtures() {
    }

    /** The example files under examples/models that hold an LLMModel (passthrough.yaml holds an external provider). */
    public static List<java.nio.file.Path> llmModelExamples() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("examples/models"))) {
            var examples = new java.util.ArrayList<java.nio.file.Path>();
            for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (java.nio.file.Files.readString(file).contains("\nkind: " + LLMModel.KIND + "\n")) {
                    examples.add(file);
                }
            }
            return List.copyOf(examples);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static LLMModel referenceModel() {
        return parse(REFERENCE_MODEL);
    }

    /**
     * A small valid model with a 10Gi volume; {@code spec} holds the other spec-level fields as YAML (access is
     * required), e.g. {@code "access: {public: true}"}.
     */
    public static LLMModel model(String namespace, String name, String modelId, String spec) {
        return model(namespace, name, modelId, List.of("storage: {size: 10Gi}"), spec);
    }

    /** As above, with the other fields of {@code spec.model} (storage, source, preload, ...) given as YAML lines. */
    public static LLMModel model(String namespace, String name, String modelId, List<String> modelFields, String spec) {
        return parse("""
                apiVersion: llm.nebari.dev/v1alpha1
                kind: LLMModel
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  model:
                    name: %s
                %s
                %s
                """.formatted(name, namespace, modelId, String.join("\n", modelFields).indent(4), spec.indent(2)));
    }

    public static LLMModel parse(String yaml) {
        return SERIALIZATION.unmarshal(yaml, LLMModel.class);
    }

    /** The reference model with its spec changed (records are immutable, so edits go through a copy). */
    public static LLMModel withSpec(LLMModel model, UnaryOperator<LLMModelSpec> edit) {
        var copy = parse(SERIALIZATION.asYaml(model));
        copy.setSpec(edit.apply(model.getSpec()));
        return copy;
    }

    /**
     * Changes a stored model's spec the way an admin's apply would: without the stored resourceVersion, so the
     * operator's concurrent finalizer and status writes cannot make the edit fail with 409 Conflict (fabric8's edit
     * sends the resourceVersion it read, and so locks, since 6.5).
     */
    public static LLMModel editSpec(Resource<LLMModel> stored, UnaryOperator<LLMModelSpec> edit) {
        return stored.edit(model -> {
            var copy = withSpec(model, edit);
            copy.getMetadata().setResourceVersion(null);
            return copy;
        });
    }

    public static PackSettings settings() {
        return settings(RoutingMode.SHARED);
    }

    public static PackSettings settings(RoutingMode mode) {
        return settings(mode, "https://id.example.com/realms/nebari", "nebari-llm-downloader:0.1.0");
    }

    /** Settings with the given OIDC issuer and downloader image (tests use a fake issuer and a failing image). */
    public static PackSettings settings(RoutingMode mode, String issuer, String downloaderImage) {
        return new PackSettings(
                new PackSettings.Platform("example.com",
                        new PackSettings.Routing(mode),
                        new PackSettings.Gateways(
                                new PackSettings.ExternalGateway("nebari-gateway", "envoy-gateway-system", "llm-https", ""),
                                new PackSettings.InternalGateway("nebari-internal-gateway", "envoy-gateway-system", "llm-internal-https", ""),
                                false),
                        new PackSettings.Tls("", ""),
                        "monitoring"),
                new PackSettings.Auth(new PackSettings.Oidc(issuer, "groups", "", "", List.of(), ""), List.of("admin")),
                new PackSettings.Defaults(
                        new PackSettings.Serving("llm-d-cuda:v0.6.0"),
                        new PackSettings.Storage("", "ReadWriteOnce"),
                        new PackSettings.Monitoring(true),
                        new PackSettings.Epp("llm-d-inference-scheduler:v0.6.0"),
                        new PackSettings.Downloader(downloaderImage),
                        new PackSettings.Hub(""),
                        new PackSettings.Proxy("", "", ""),
                        new PackSettings.TrustedCA("", "", "ca.crt"),
                        List.of()),
                "llm-api-keys",
                List.of(),
                new PackSettings.KeyManager(true),
                new PackSettings.Keys(Duration.ofDays(90), Duration.ofDays(365), false, 5, Duration.ofSeconds(60), 30));
    }

    /** {@code base} with {@code defaults.imagePullSecrets} set. */
    public static PackSettings withImagePullSecrets(PackSettings base, List<String> secrets) {
        var d = base.defaults();
        return new PackSettings(base.platform(), base.auth(), new PackSettings.Defaults(d.serving(), d.storage(),
                d.monitoring(), d.epp(), d.downloader(), d.hub(), d.proxy(), d.trustedCA(), secrets),
                base.apiKeysNamespace(), base.watchNamespaces(), base.keyManager(), base.keys());
    }

    /**
     * {@code base} with both Gateways in {@code gatewayNamespace}, their listeners managed by the pack or not, and
     * the listeners' certificate from {@code clusterIssuer} or the user's {@code secretName} (one of them empty).
     */
    public static PackSettings sharedListeners(PackSettings base, String gatewayNamespace, boolean manage,
            String clusterIssuer, String secretName) {
        var platform = base.platform();
        var gateways = platform.gateway();
        return new PackSettings(
                new PackSettings.Platform(platform.baseDomain(), platform.routing(),
                        new PackSettings.Gateways(
                                new PackSettings.ExternalGateway(gateways.external().name(), gatewayNamespace, gateways.external().listener(), ""),
                                new PackSettings.InternalGateway(gateways.internal().name(), gatewayNamespace, gateways.internal().listener(), ""),
                                manage),
                        new PackSettings.Tls(clusterIssuer, secretName),
                        platform.monitoringNamespace()),
                base.auth(), base.defaults(), base.apiKeysNamespace(), base.watchNamespaces(), base.keyManager(), base.keys());
    }
}
