package dev.nebari.llm.serving;

import static dev.nebari.llm.platform.GenericResources.fields;
import static dev.nebari.llm.serving.ServingFacts.*;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelObjects.Component;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Renders a model's workload: PVC, ServiceAccount, the trusted CA ConfigMap (when the pack has a CA bundle), the
 * vLLM Deployment, its HPA (with spec.serving.autoscaling), Service, NetworkPolicy and (when monitoring is on)
 * PodMonitor. Pure: the same model and
 * settings always give the same objects.
 */
public final class WorkloadRenderer {


    /** Label every namespace carries (Kubernetes ≥ 1.22), so a policy can name namespaces without custom labels. */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private WorkloadRenderer() {
    }

    /** Every workload object of the model, in apply order (volume and identity before the pods that use them). */
    public static List<HasMetadata> render(LLMModel model, PackSettings settings) {
        var objects = new ArrayList<HasMetadata>();
        modelStorage(model, settings).ifPresent(objects::add);
        objects.add(serviceAccount(model));
        HubAccess.trustedCaBundle(model, settings).ifPresent(objects::add);
        objects.add(ModelServerDeploymentRenderer.render(model, settings));
        AutoscalerRenderer.render(model).ifPresent(objects::add);
        objects.add(service(model));
        objects.add(networkPolicy(model, settings));
        podMonitor(model, settings).ifPresent(objects::add);
        return List.copyOf(objects);
    }

    /** The PVC for pvc storage of a Hugging Face model; none for emptyDir or OCI weights. */
    public static Optional<PersistentVolumeClaim> modelStorage(LLMModel model, PackSettings settings) {
        if (ModelVolume.of(model) != ModelVolume.PERSISTENT_VOLUME_CLAIM) {
            return Optional.empty();
        }
        var names = ModelObjects.of(model);
        var storage = model.getSpec().model().effectiveStorage();
        var packClass = settings.defaults().storage().storageClassName();
        // spec → pack default → omitted (the cluster's default class).
        var storageClass = storage.storageClassName() != null ? storage.storageClassName()
                : packClass == null || packClass.isBlank() ? null : packClass;
        return Optional.of(new PersistentVolumeClaimBuilder()
                .withMetadata(metadata(names, names.modelStorage()))
                .withNewSpec()
                    .withAccessModes(settings.defaults().storage().accessMode())
                    .withStorageClassName(storageClass)
                    .withNewResources().withRequests(storage.size() == null ? null : Map.of("storage", storage.size())).endResources()
                .endSpec()
                .build());
    }

    public static ServiceAccount serviceAccount(LLMModel model) {
        var names = ModelObjects.of(model);
        // vLLM needs no API access; do not hand it a token.
        return new ServiceAccountBuilder()
                .withMetadata(metadata(names, names.workload()))
                .withAutomountServiceAccountToken(false)
                .build();
    }

    public static Service service(LLMModel model) {
        var names = ModelObjects.of(model);
        return new ServiceBuilder()
                .withMetadata(metadata(names, names.workload()))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(names.modelServerPods())
                    .addNewPort().withName(PORT_NAME).withPort(PORT).withTargetPort(new IntOrString(PORT_NAME)).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }

    /**
     * Default-deny ingress to the model pods, except port 8000 from the gateway namespaces (the Envoy proxies
     * live with their Gateway or with Envoy Gateway), the model's endpoint picker (it scrapes /metrics) and the
     * monitoring namespace.
     */
    public static NetworkPolicy networkPolicy(LLMModel model, PackSettings settings) {
        var names = ModelObjects.of(model);
        var gateways = settings.platform().gateway();
        var gatewayNamespaces = new TreeSet<>(List.of(gateways.external().namespace(), gateways.internal().namespace()));
        var fromGateways = namespacePeer(List.copyOf(gatewayNamespaces));
        var fromPicker = new NetworkPolicyPeerBuilder()
                .withNewPodSelector().withMatchLabels(names.endpointPickerPods()).endPodSelector().build();
        var fromMonitoring = namespacePeer(List.of(settings.platform().monitoringNamespace()));
        return new NetworkPolicyBuilder()
                .withMetadata(metadata(names, names.workload()))
                .withNewSpec()
                    .withNewPodSelector().withMatchLabels(names.modelServerPods()).endPodSelector()
                    .withPolicyTypes("Ingress")
                    .addNewIngress()
                        .withFrom(fromGateways, fromPicker, fromMonitoring)
                        .addNewPort().withProtocol("TCP").withPort(new IntOrString(PORT)).endPort()
                    .endIngress()
                .endSpec()
                .build();
    }

    private static NetworkPolicyPeer namespacePeer(List<String> namespaces) {
        return new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector()
                    .addNewMatchExpression().withKey(NAMESPACE_NAME_LABEL).withOperator("In").withValues(namespaces).endMatchExpression()
                .endNamespaceSelector()
                .build();
    }

    /** A PodMonitor on vLLM's /metrics when monitoring is on (the spec's setting, else the pack default). */
    public static Optional<GenericKubernetesResource> podMonitor(LLMModel model, PackSettings settings) {
        if (!model.getSpec().serving().monitoring().enabledOr(settings.defaults().monitoring().enabled())) {
            return Optional.empty();
        }
        var names = ModelObjects.of(model);
        return Optional.of(GenericResources.resource(ServingFacts.POD_MONITOR_API_VERSION, ServingFacts.POD_MONITOR_KIND,
                metadata(names, names.workload()),
                fields(
                        "selector", fields("matchLabels", names.modelServerPods()),
                        "podMetricsEndpoints", List.of(fields("port", PORT_NAME, "path", METRICS_PATH)))));
    }

    static ObjectMeta metadata(ModelObjects names, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(names.namespace())
                .withLabels(names.labels(Component.MODEL_SERVER))
                .build();
    }
}
