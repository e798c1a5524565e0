package dev.nebari.llm.localcluster;

import dev.nebari.llm.platform.ChangeHandler;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the Envoy AI Gateway and Envoy Gateway controllers, which do not run in the simulated cluster: it
 * marks every AIGatewayRoute Accepted (AIGW 1.1: one {@code Accepted} condition) and every SecurityPolicy and
 * BackendTrafficPolicy accepted by the external Gateway (EG 1.8: {@code status.ancestors[].conditions}), the way
 * those controllers report a valid object. Kinds whose CRD is not installed are skipped. Status is written with a
 * merge patch, so it never conflicts with the reconciler's own writes.
 */
public final class SimulatedGatewayControllers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedGatewayControllers.class);
    private record Kind(String group, String version, String plural, String kind,
            Function<String, Map<String, Object>> acceptedStatus) {
        ResourceDefinitionContext context() {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                    .withKind(kind).withNamespaced(true).build();
        }

        String crdName() {
            return plural + "." + group;
        }
    }

    private static Map<String, Object> routeAccepted(String now) {
        return Map.of("conditions", List.of(Map.of("type", "Accepted", "status", "True", "reason", "ReconciliationSucceeded",
                "message", "accepted by the simulated AI Gateway", "lastTransitionTime", now)));
    }

    private static Map<String, Object> policyAccepted(String now) {
        return Map.of("ancestors", List.of(Map.of(
                "ancestorRef", Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway",
                        "name", "nebari-gateway", "namespace", "envoy-gateway-system"),
                "controllerName", "gateway.envoyproxy.io/gatewayclass-controller",
                "conditions", List.of(Map.of("type", "Accepted", "status", "True", "reason", "Accepted",
                        "message", "Policy has been accepted.", "lastTransitionTime", now)))));
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("aigateway.envoyproxy.io", "v1beta1", "aigatewayroutes", "AIGatewayRoute",
                    SimulatedGatewayControllers::routeAccepted),
            new Kind("gateway.envoyproxy.io", "v1alpha1", "securitypolicies", "SecurityPolicy",
                    SimulatedGatewayControllers::policyAccepted),
            new Kind("gateway.envoyproxy.io", "v1alpha1", "backendtrafficpolicies", "BackendTrafficPolicy",
                    SimulatedGatewayControllers::policyAccepted));

    private final KubernetesClient client;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    private SimulatedGatewayControllers(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Starts accepting objects in {@code namespace}, or in every namespace when it is null.
     */
    public static SimulatedGatewayControllers start(KubernetesClient client, @Nullable String namespace) {
        var controllers = new SimulatedGatewayControllers(client);
        for (var kind : KINDS) {
            if (client.apiextensions().v1().customResourceDefinitions().withName(kind.crdName()).get() == null) {
                log.info("Simulated gateway: CRD {} not installed, {} objects stay unaccepted", kind.crdName(), kind.kind());
                continue;
            }
            var resources = client.genericKubernetesResources(kind.context());
            var informer = (namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace))
                    .runnableInformer(0);
            informer.addEventHandler(ChangeHandler.whilePresent(object -> controllers.accept(kind, object)));
            informer.start();
            controllers.informers.add(informer);
        }
        return controllers;
    }

    private void accept(Kind kind, GenericKubernetesResource object) {
        if (object.getAdditionalProperties().get("status") != null || object.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        try {
            client.genericKubernetesResources(kind.context()).inNamespace(object.getMetadata().getNamespace())
                    .withName(object.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status",
                            kind.acceptedStatus().apply(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                log.debug("Simulated gateway could not accept {} {}/{}: {}", kind.kind(),
                        object.getMetadata().getNamespace(), object.getMetadata().getName(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::stop);
    }
}
