package dev.nebari.llm.gateway;

import static dev.nebari.llm.gateway.GatewayFacts.*;
import static dev.nebari.llm.platform.GenericResources.fields;

import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.GenericResources;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.GatewayRef;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pack's HTTPS listeners on the shared Gateways and the one Certificate that serves them
 * ({@code platform.gateway.manageSharedListeners}).
 *
 * <p>A Gateway is rendered <em>partially</em>: name, namespace and only the pack's listener entries. Applied with
 * server-side apply under a field manager of its own, that merges into the existing Gateway (listeners are a
 * list-map keyed by name) and owns exactly those entries, so other apps' listeners stay and a later apply without
 * them removes only ours. The Gateway itself (class, addresses, other listeners) is never ours.
 *
 * <p>Hosts follow the routing mode, as in examples/gateways.yaml and examples/gateways-subdomain.yaml: shared mode
 * serves {@code llm.<baseDomain>} and {@code llm-internal.<baseDomain>}; subdomain mode serves each model on
 * {@code <sub>.llm.<baseDomain>}, so the listeners and the certificate take the wildcards (a route's hostname must
 * fall within its listener's).
 */
public final class SharedListenerRenderer {

    /** The Certificate cert-manager keeps for the listeners (same name in both modes, so a mode switch updates it). */
    public static final String CERTIFICATE_NAME = "nebari-llm";
    /** The Secret that Certificate writes, unless {@code platform.tls.secretName} names one of the user's. */
    public static final String CERTIFICATE_SECRET_NAME = "nebari-llm-tls";

    private SharedListenerRenderer() {
    }

    /** One partial Gateway per distinct configured Gateway, holding the pack's listener(s) on it. */
    public static List<GenericKubernetesResource> gateways(PackSettings settings) {
        var listenersByGateway = new LinkedHashMap<String, List<Map<String, Object>>>();
        var refs = new LinkedHashMap<String, GatewayRef>();
        for (var side : EndpointSide.values()) {
            var ref = side.gateway(settings);
            var key = ref.namespace() + "/" + ref.name();
            refs.putIfAbsent(key, ref);
            listenersByGateway.computeIfAbsent(key, k -> new ArrayList<>()).add(listener(side, settings));
        }
        return listenersByGateway.entrySet().stream()
                .map(entry -> partialGateway(refs.get(entry.getKey()), entry.getValue()))
                .toList();
    }

    /**
     * The Gateway as a manager that owns none of it would apply it: server-side apply then drops whatever entries
     * this manager owned before.
     */
    public static GenericKubernetesResource withoutListeners(GatewayRef gateway) {
        return partialGateway(gateway, List.of());
    }

    private static GenericKubernetesResource partialGateway(GatewayRef gateway, List<Map<String, Object>> listeners) {
        var resource = new GenericKubernetesResource();
        resource.setApiVersion(GATEWAY_API_VERSION);
        resource.setKind(GATEWAY_KIND);
        resource.setMetadata(new ObjectMetaBuilder().withName(gateway.name()).withNamespace(gateway.namespace()).build());
        if (!listeners.isEmpty()) {
            resource.setAdditionalProperty("spec", fields("listeners", List.copyOf(listeners)));
        }
        return resource;
    }

    /** The listener entries of one Gateway, by name. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> listeners(GenericKubernetesResource gateway) {
        var byName = new LinkedHashMap<String, Map<String, Object>>();
        if (GenericResources.spec(gateway).get("listeners") instanceof List<?> listeners) {
            for (var listener : listeners) {
                if (listener instanceof Map<?, ?> map && map.get("name") instanceof String name) {
                    byName.put(name, (Map<String, Object>) map);
                }
            }
        }
        return byName;
    }

    private static Map<String, Object> listener(EndpointSide side, PackSettings settings) {
        return fields(
                "name", side.gateway(settings).listener(),
                "hostname", listenerHost(side, settings),
                "port", HTTPS_PORT,
                "protocol", "HTTPS",
                "tls", fields(
                        "mode", "Terminate",
                        // group and kind spelled out as the API server defaults them, so the applied entry compares equal
                        "certificateRefs", List.of(fields("group", "", "kind", "Secret", "name", tlsSecretName(settings)))),
                // each model's routes live in the model's own namespace
                "allowedRoutes", fields("namespaces", fields("from", "All")));
    }

    /** The cert-manager Certificate for both hosts; empty when the user provides the TLS Secret. */
    public static Optional<GenericKubernetesResource> certificate(PackSettings settings) {
        var issuer = settings.platform().tls().clusterIssuer();
        if (issuer.isBlank()) {
            return Optional.empty();
        }
        var dnsNames = List.of(listenerHost(EndpointSide.EXTERNAL, settings), listenerHost(EndpointSide.INTERNAL, settings));
        return Optional.of(GenericResources.resource(CERTIFICATE_API_VERSION, CERTIFICATE_KIND,
                new ObjectMetaBuilder()
                        .withName(CERTIFICATE_NAME)
                        .withNamespace(certificateNamespace(settings))
                        .withLabels(packLabels())
                        .build(),
                fields(
                        "secretName", CERTIFICATE_SECRET_NAME,
                        "dnsNames", dnsNames,
                        "issuerRef", fields("group", "cert-manager.io", "kind", "ClusterIssuer", "name", issuer),
                        "privateKey", fields("algorithm", "ECDSA", "size", 256, "rotationPolicy", "Always"))));
    }

    /** Where the Certificate and its Secret live: beside the listeners (settings require one Gateway namespace). */
    public static String certificateNamespace(PackSettings settings) {
        return settings.platform().gateway().external().namespace();
    }

    public static String tlsSecretName(PackSettings settings) {
        var provided = settings.platform().tls().secretName();
        return provided.isBlank() ? CERTIFICATE_SECRET_NAME : provided;
    }

    /** Labels of the pack's own objects that belong to no model (the Certificate). */
    public static Map<String, String> packLabels() {
        var labels = new LinkedHashMap<String, String>();
        labels.put(ModelObjects.MANAGED_BY, ModelObjects.PACK);
        labels.put(ModelObjects.PART_OF, ModelObjects.PACK);
        labels.put(ModelObjects.COMPONENT, ModelObjects.Component.GATEWAY.label());
        return java.util.Collections.unmodifiableMap(labels);
    }

    private static String listenerHost(EndpointSide side, PackSettings settings) {
        var host = side.hostLabel() + "." + settings.platform().baseDomain();
        return settings.platform().routing().mode() == RoutingMode.SUBDOMAIN ? "*." + host : host;
    }
}
