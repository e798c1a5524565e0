package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

@WithKubernetes
class SharedRoutingAliasesAndRevisionsDataPathTest extends AliasesAndRevisionsDataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SHARED;
    }
}
