package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

/**
 * The data-path contract in subdomain routing mode: each model on <subdomain>.llm.<baseDomain>. The tests and
 * their assertions are {@link DataPathContract}'s, run here in this mode.
 */
@WithKubernetes
class SubdomainRoutingDataPathTest extends DataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SUBDOMAIN;
    }
}
