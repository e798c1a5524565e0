package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

/**
 * The data-path contract in shared routing mode: every model on llm.<baseDomain>, dispatched by model id. The
 * tests and their assertions are {@link DataPathContract}'s, run here in this mode.
 */
@WithKubernetes
class SharedRoutingDataPathTest extends DataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SHARED;
    }
}
