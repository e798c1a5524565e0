package dev.nebari.llm.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.platform.PackSettings.RoutingMode;
import dev.nebari.llm.model.ModelFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every third-party object rendered for the reference model uses only fields its upstream CRD defines. */
class ThirdPartySchemaTest {

    @ParameterizedTest(name = "{0} routing, limits {1}")
    @CsvSource({"SHARED, false", "SHARED, true", "SUBDOMAIN, false", "SUBDOMAIN, true"})
    void thirdPartyObjectsConformToTheirUpstreamSchemas(RoutingMode mode, boolean limits) {
        var schemas = ThirdPartySchemas.loadOrSkip();
        var manifests = ModelManifestRenderer.render(GoldenManifestsTest.referenceModel(limits),
                new RenderContext(ModelFixtures.settings(mode), GoldenManifestsTest.ACCESS));
        var thirdParty = manifests.all().stream().filter(schemas::covers).toList();
        assertThat(thirdParty).extracting(o -> o.getKind()).contains("AIGatewayRoute", "SecurityPolicy", "InferencePool", "PodMonitor", "ReferenceGrant");
        assertThat(thirdParty).allSatisfy(object -> assertThat(schemas.violations(object))
                .as("%s %s", object.getKind(), object.getMetadata().getName()).isEmpty());
    }

    @org.junit.jupiter.api.Test
    void reportsAFieldTheUpstreamSchemaDoesNotDefine() {
        var schemas = ThirdPartySchemas.loadOrSkip();
        var route = dev.nebari.llm.gateway.RouteRenderer.route(dev.nebari.llm.gateway.EndpointSide.EXTERNAL,
                ModelFixtures.referenceModel(), ModelFixtures.settings());
        // AIGW v0.5.0's filterConfig, removed in v0.6.0: the predecessor's routes carried it.
        route.setAdditionalProperty("spec", dev.nebari.llm.platform.GenericResources.fields(
                "rules", java.util.List.of(), "filterConfig", java.util.Map.of("type", "ExternalProcessor")));
        assertThat(schemas.violations(route)).containsExactly("AIGatewayRoute.spec.filterConfig: unknown field (the API server would drop or reject it)");
    }
}
