package dev.nebari.llm.localgateway;

import dev.nebari.llm.platform.PackSettings;
import org.jspecify.annotations.Nullable;

/**
 * Where the local gateway listens and what its one Gateway is called.
 *
 * <p>The pack's configuration names two Gateways (external and internal) with one listener each; {@code aigw}
 * accepts exactly one Gateway, so the local gateway is one Gateway named after the external one, carrying both
 * listeners under the pack's listener names, as plain HTTP on loopback ports. Hostnames are optional: with them the
 * listeners answer only for those hosts, as a production Gateway does (examples/gateways.yaml); without them any
 * host is served, so {@code http://localhost:<port>} works as printed.
 *
 * @param externalHostname {@code llm.<baseDomain>} (shared mode), {@code *.llm.<baseDomain>} (subdomain mode), or
 *                         null for any host
 */
public record GatewayLayout(
        String gatewayName,
        String gatewayNamespace,
        String externalListener,
        int externalPort,
        @Nullable String externalHostname,
        String internalListener,
        int internalPort,
        @Nullable String internalHostname,
        int rateLimitPort,
        int redisPort) {

    public GatewayLayout {
        if (externalListener.equals(internalListener)) {
            throw new IllegalArgumentException("the local gateway needs distinct listener names for the external and "
                    + "internal endpoints (platform.gateway.external.listener and .internal.listener are both '"
                    + externalListener + "')");
        }
    }

    /**
     * The layout for {@code settings} on the given ports, with the listener hostnames a production Gateway would
     * have for its routing mode when {@code withHostnames}, else none.
     */
    public static GatewayLayout of(PackSettings settings, boolean withHostnames, int externalPort, int internalPort,
            int rateLimitPort, int redisPort) {
        var gateways = settings.platform().gateway();
        var base = settings.platform().baseDomain();
        var wildcard = settings.platform().routing().mode() == PackSettings.RoutingMode.SUBDOMAIN ? "*." : "";
        return new GatewayLayout(
                gateways.external().name(),
                gateways.external().namespace(),
                gateways.external().listener(),
                externalPort,
                withHostnames ? wildcard + "llm." + base : null,
                gateways.internal().listener(),
                internalPort,
                withHostnames ? wildcard + "llm-internal." + base : null,
                rateLimitPort,
                redisPort);
    }
}
