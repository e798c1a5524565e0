package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelObjects.Component;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a model's scheduling layer, after the Gateway API Inference Extension chart: the InferencePool over
 * the model-server pods, and the endpoint picker that chooses a pod for each request (ServiceAccount, Role,
 * RoleBinding, ConfigMap, Service, Deployment). Rendered together with the workload, not after the first ready
 * pod, so the route exists and status can tell the truth.
 */
public final class SchedulerRenderer {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private SchedulerRenderer() {
    }

    public static List<HasMetadata> render(LLMModel model, PackSettings settings) {
        // Each object after the ones it names (the pool names the picker's Service), so the operator creates nothing
        // that points at a name it has not yet found free or its own.
        return List.of(
                serviceAccount(model),
                role(model),
                roleBinding(model),
                config(model),
                service(model),
                inferencePool(model),
                deployment(model, settings));
    }

    /** Selects the model-server pods only: matching the picker's own pod sent requests to it (503s). */
    public static GenericKubernetesResource inferencePool(LLMModel model) {
        var names = ModelObjects.of(model);
        return GenericResources.resource(INFERENCE_POOL_API_VERSION, INFERENCE_POOL_KIND, metadata(names, names.inferencePool()),
                fields(
                        "selector", fields("matchLabels", names.modelServerPods()),
                        "targetPorts", List.of(fields("number", MODEL_SERVER_PORT)),
                        // Required up to GIE v1.5.0 and read directly by AIGW v1.1.0; AIGW ignores failureMode.
                        "endpointPickerRef", fields(
                                "name", names.endpointPicker(),
                                "kind", "Service",
                                "port", fields("number", EPP_GRPC_PORT))));
    }

    public static ServiceAccount serviceAccount(LLMModel model) {
        var names = ModelObjects.of(model);
        return new ServiceAccountBuilder().withMetadata(metadata(names, names.endpointPicker())).build();
    }

    /**
     * Read access to what the picker watches. The operator can only grant what it holds itself (RBAC escalation
     * check), so the chart gives the operator the same rules.
     */
    public static Role role(LLMModel model) {
        var names = ModelObjects.of(model);
        return new RoleBuilder()
                .withMetadata(metadata(names, names.endpointPicker()))
                .withRules(
                        read(INFERENCE_GROUP, INFERENCE_POOLS),
                        read("", "pods", "services", "endpoints"),
                        read("discovery.k8s.io", "endpointslices"),
                        read(LEGACY_OBJECTIVE_GROUP, INFERENCE_OBJECTIVES),
                        read(LLM_D_OBJECTIVE_GROUP, INFERENCE_OBJECTIVES))
                .build();
    }

    private static PolicyRule read(String group, String... resources) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resources).withVerbs(READ).build();
    }

    public static RoleBinding roleBinding(LLMModel model) {
        var names = ModelObjects.of(model);
        return new RoleBindingBuilder()
                .withMetadata(metadata(names, names.endpointPicker()))
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", names.endpointPicker())
                .addNewSubject().withKind("ServiceAccount").withName(names.endpointPicker()).withNamespace(names.namespace()).endSubject()
                .build();
    }

    /** The picker's config file: spec.advanced.inferencePool.schedulerConfig, or a minimal single-profile one. */
    public static ConfigMap config(LLMModel model) {
        var names = ModelObjects.of(model);
        var custom = model.getSpec().advanced().inferencePool().schedulerConfig();
        return new ConfigMapBuilder()
                .withMetadata(metadata(names, names.endpointPickerConfig()))
                .withData(Map.of(EPP_CONFIG_KEY, custom.isEmpty() ? DefaultPickerConfig.TEXT : asYaml(custom)))
                .build();
    }

    /** Written once: every pass renders the ConfigMap, and the YAML writer was 4 % of the operator's CPU. */
    private static final class DefaultPickerConfig {
        static final String TEXT = asYaml(defaultPickerConfig());
    }

    private static String asYaml(Map<String, Object> config) {
        return YAML.asYaml(config).replaceFirst("^---\n", "");
    }

    static Map<String, Object> defaultPickerConfig() {
        return fields(
                "apiVersion", EPP_CONFIG_API_VERSION,
                "kind", EPP_CONFIG_KIND,
                "plugins", List.of(
                        fields("type", "single-profile-handler"),
                        fields("type", "queue-scorer"),
                        fields("type", "max-score-picker")),
                "schedulingProfiles", List.of(fields(
                        "name", "default",
                        "plugins", List.of(
                                fields("pluginRef", "queue-scorer"),
                                fields("pluginRef", "max-score-picker")))));
    }

    public static Service service(LLMModel model) {
        var names = ModelObjects.of(model);
        return new ServiceBuilder()
                .withMetadata(metadata(names, names.endpointPicker()))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(names.endpointPickerPods())
                    // The gateway speaks gRPC (ext_proc) to the picker; appProtocol tells meshes it is HTTP/2.
                    .addNewPort().withName("grpc").withPort(EPP_GRPC_PORT).withTargetPort(new IntOrString("grpc")).withProtocol("TCP").withAppProtocol("http2").endPort()
                    .addNewPort().withName("grpc-health").withPort(EPP_GRPC_HEALTH_PORT).withTargetPort(new IntOrString("grpc-health")).withProtocol("TCP").endPort()
                    .addNewPort().withName("metrics").withPort(EPP_METRICS_PORT).withTargetPort(new IntOrString("metrics")).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }

    public static Deployment deployment(LLMModel model, PackSettings settings) {
        var names = ModelObjects.of(model);
        var labels = names.labels(Component.ENDPOINT_PICKER);
        var requests = new LinkedHashMap<String, Quantity>();
        requests.put("cpu", new Quantity("100m"));
        requests.put("memory", new Quantity("256Mi"));
        return new DeploymentBuilder()
                .withMetadata(metadata(names, names.endpointPicker()))
                .withNewSpec()
                    .withReplicas(1)
                    .withNewSelector().withMatchLabels(names.endpointPickerPods()).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withServiceAccountName(names.endpointPicker())
                            .withImagePullSecrets(settings.defaults().imagePullSecretsWith(model.getSpec().serving().imagePullSecrets()))
                            .withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                            .addNewContainer()
                                .withName("epp")
                                .withImage(settings.defaults().epp().image())
                                .withArgs(
                                        "--pool-name", names.inferencePool(),
                                        "--pool-namespace", names.namespace(),
                                        "--grpc-port", Integer.toString(EPP_GRPC_PORT),
                                        "--grpc-health-port", Integer.toString(EPP_GRPC_HEALTH_PORT),
                                        "--metrics-port", Integer.toString(EPP_METRICS_PORT),
                                        "--config-file", EPP_CONFIG_DIR + "/" + EPP_CONFIG_KEY)
                                .addNewPort().withName("grpc").withContainerPort(EPP_GRPC_PORT).withProtocol("TCP").endPort()
                                .addNewPort().withName("grpc-health").withContainerPort(EPP_GRPC_HEALTH_PORT).withProtocol("TCP").endPort()
                                .addNewPort().withName("metrics").withContainerPort(EPP_METRICS_PORT).withProtocol("TCP").endPort()
                                .withLivenessProbe(grpcHealth(10))
                                .withReadinessProbe(grpcHealth(5))
                                .withNewResources()
                                    .withRequests(requests)
                                    .withLimits(Map.of("memory", new Quantity("1Gi")))
                                .endResources()
                                .withNewSecurityContext()
                                    .withAllowPrivilegeEscalation(false)
                                    .withReadOnlyRootFilesystem(true)
                                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                                .endSecurityContext()
                                .addNewVolumeMount().withName("config").withMountPath(EPP_CONFIG_DIR).withReadOnly(true).endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("config").withNewConfigMap().withName(names.endpointPickerConfig()).endConfigMap().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Probe grpcHealth(int periodSeconds) {
        return new ProbeBuilder()
                .withNewGrpc().withPort(EPP_GRPC_HEALTH_PORT).withService(EPP_HEALTH_SERVICE).endGrpc()
                .withInitialDelaySeconds(5)
                .withPeriodSeconds(periodSeconds)
                .build();
    }

    static ObjectMeta metadata(ModelObjects names, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(names.namespace())
                .withLabels(names.labels(Component.ENDPOINT_PICKER))
                .build();
    }
}
