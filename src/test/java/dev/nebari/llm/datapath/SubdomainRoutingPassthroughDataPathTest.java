package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

/** External providers through Envoy in subdomain routing mode (each provider on <name>.llm.<baseDomain>). */
@WithKubernetes
class SubdomainRoutingPassthroughDataPathTest extends PassthroughDataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SUBDOMAIN;
    }

    @Override
    int anotherProvidersKeyStatus() {
        return 401;
    }
}
