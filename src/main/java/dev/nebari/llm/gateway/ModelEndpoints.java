package dev.nebari.llm.gateway;

import dev.nebari.llm.model.EndpointsStatus;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;

/**
 * Where a model is reached. In {@code shared} mode every model is on {@code llm.<baseDomain>} and
 * {@code llm-internal.<baseDomain>} and the gateway dispatches on the model id; in {@code subdomain} mode each
 * model has its own {@code <sub>.llm.<baseDomain>} / {@code <sub>.llm-internal.<baseDomain>}.
 */
public final class ModelEndpoints {

    private ModelEndpoints() {
    }

    public static String host(EndpointSide side, LLMModelSpec spec, PackSettings settings) {
        return host(side, ModelObjects.subdomain(spec), settings);
    }

    /** @param subdomain the host label in subdomain mode (unused in shared mode) */
    public static String host(EndpointSide side, String subdomain, PackSettings settings) {
        var shared = side.hostLabel() + "." + settings.platform().baseDomain();
        return settings.platform().routing().mode() == RoutingMode.SUBDOMAIN
                ? subdomain + "." + shared
                : shared;
    }

    /**
     * The OpenAI-compatible base URL (clients append /chat/completions and so on): {@code https://<host>/v1}, or,
     * in shared mode, the listener's configured {@code url} + {@code /v1}.
     */
    public static String baseUrl(EndpointSide side, LLMModelSpec spec, PackSettings settings) {
        return baseUrl(side, ModelObjects.subdomain(spec), settings);
    }

    public static String baseUrl(EndpointSide side, String subdomain, PackSettings settings) {
        var configured = side.gateway(settings).url();
        if (!configured.isBlank() && settings.platform().routing().mode() == RoutingMode.SHARED) {
            return configured.replaceAll("/+$", "") + "/v1";
        }
        return "https://" + host(side, subdomain, settings) + "/v1";
    }

    /** The status block: URLs of the enabled endpoints (empty when disabled) and the model id to send. */
    public static EndpointsStatus status(LLMModelSpec spec, PackSettings settings) {
        return new EndpointsStatus(
                EndpointSide.EXTERNAL.enabledIn(spec) ? baseUrl(EndpointSide.EXTERNAL, spec, settings) : "",
                EndpointSide.INTERNAL.enabledIn(spec) ? baseUrl(EndpointSide.INTERNAL, spec, settings) : "",
                spec.model().name());
    }
}
