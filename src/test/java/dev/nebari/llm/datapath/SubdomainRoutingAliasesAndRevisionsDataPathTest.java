package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

/** Aliases and revisions through Envoy in subdomain routing mode; the tests are the contract's. */
@WithKubernetes
class SubdomainRoutingAliasesAndRevisionsDataPathTest extends AliasesAndRevisionsDataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SUBDOMAIN;
    }
}
