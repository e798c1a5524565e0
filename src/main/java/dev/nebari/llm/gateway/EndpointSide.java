package dev.nebari.llm.gateway;

import dev.nebari.llm.model.EndpointsSpec;
import dev.nebari.llm.model.LLMModelSpec;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.platform.PackSettings;

/** The two ways in: API keys from anywhere (external), OIDC JWTs from inside the cluster (internal). */
public enum EndpointSide {
    EXTERNAL("llm", GatewayFacts.CLIENT_ID_HEADER),
    INTERNAL("llm-internal", GatewayFacts.USER_HEADER);

    private final String hostLabel;
    private final String callerHeader;

    EndpointSide(String hostLabel, String callerHeader) {
        this.hostLabel = hostLabel;
        this.callerHeader = callerHeader;
    }

    /** The label under the base domain: {@code llm.<baseDomain>} or {@code llm-internal.<baseDomain>}. */
    public String hostLabel() {
        return hostLabel;
    }

    /** The header that identifies the caller once authentication ran (the rate-limit bucket key). */
    public String callerHeader() {
        return callerHeader;
    }

    public boolean enabledIn(LLMModelSpec spec) {
        return enabledIn(spec.endpoints());
    }

    public boolean enabledIn(EndpointsSpec endpoints) {
        return this == EXTERNAL ? endpoints.external().enabled() : endpoints.internal().enabled();
    }

    /** The AIGatewayRoute, the HTTPRoute AIGW generates from it, and its SecurityPolicy share this name. */
    public String routeName(ModelObjects names) {
        return this == EXTERNAL ? names.externalRoute() : names.internalRoute();
    }

    public PackSettings.GatewayRef gateway(PackSettings settings) {
        return this == EXTERNAL ? settings.platform().gateway().external() : settings.platform().gateway().internal();
    }
}
