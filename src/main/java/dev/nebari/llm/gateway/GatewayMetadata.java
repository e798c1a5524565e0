package dev.nebari.llm.gateway;

import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelObjects.Component;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** Metadata of gateway objects. AIGW copies a route's labels to the HTTPRoute it generates, so those are ours too. */
final class GatewayMetadata {

    private GatewayMetadata() {
    }

    static ObjectMeta inNamespace(ModelObjects names, String name) {
        return meta(name, names.namespace(), names.labels(Component.GATEWAY));
    }

    static ObjectMeta elsewhere(ModelObjects names, String name, String namespace) {
        return meta(name, namespace, names.labelsElsewhere(Component.GATEWAY));
    }

    private static ObjectMeta meta(String name, String namespace, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build();
    }

    /** A policy's target: the HTTPRoute AIGW generates with the AIGatewayRoute's name. */
    static Map<String, Object> generatedRoute(String routeName) {
        return dev.nebari.llm.platform.GenericResources.fields(
                "group", GatewayFacts.GATEWAY_API_GROUP,
                "kind", GatewayFacts.HTTP_ROUTE_KIND,
                "name", routeName);
    }
}
