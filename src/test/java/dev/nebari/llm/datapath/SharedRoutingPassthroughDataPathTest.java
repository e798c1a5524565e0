package dev.nebari.llm.datapath;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.testing.WithKubernetes;

/** External providers through Envoy in shared routing mode (every provider on llm.<baseDomain>, by model id). */
@WithKubernetes
class SharedRoutingPassthroughDataPathTest extends PassthroughDataPathContract {

    @Override
    RoutingMode mode() {
        return RoutingMode.SHARED;
    }

    @Override
    int anotherProvidersKeyStatus() {
        return 403;
    }
}
