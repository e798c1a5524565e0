package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

/** The data-path contract in subdomain routing mode: each model on <subdomain>.llm.<baseDomain>. */
@WithKubernetes
class SubdomainRoutingDataPathTest extends DataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SUBDOMAIN;
    }
}
