package dev.nebari.llm.manifests;

import static dev.nebari.llm.model.ModelFixtures.SERIALIZATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.PassthroughFixtures;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Everything rendered for the reference external provider, byte for byte (regenerate with
 * {@code ./mvnw test -Dtest=PassthroughManifestsTest -Dgolden.update=true}), and how the rendering is ordered and owned.
 */
class PassthroughManifestsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"passthrough, SHARED", "passthrough-subdomain, SUBDOMAIN"})
    void rendersTheReferenceProviderExactlyAsRecorded(String golden, RoutingMode mode) throws IOException {
        var manifests = PassthroughManifestRenderer.render(PassthroughFixtures.referencePassthrough(),
                new RenderContext(ModelFixtures.settings(mode), GoldenManifestsTest.ACCESS), Set.of());
        var actual = GoldenManifestsTest.asYaml(manifests);
        var file = GoldenManifestsTest.GOLDEN.resolve(golden + ".yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    @Test
    void theProviderObjectsComeBeforeThePoliciesAndThePoliciesBeforeTheRoutes() {
        var manifests = PassthroughManifestRenderer.render(PassthroughFixtures.referencePassthrough(),
                new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), GoldenManifestsTest.ACCESS), Set.of());

        var kinds = manifests.manifests().stream().map(Manifest::kind).toList();

        assertThat(kinds).containsExactly(ChildKind.REFERENCE_GRANT, ChildKind.BACKEND, ChildKind.BACKEND_TLS_POLICY,
                ChildKind.AI_SERVICE_BACKEND, ChildKind.BACKEND_SECURITY_POLICY, ChildKind.SECURITY_POLICY,
                ChildKind.SECURITY_POLICY, ChildKind.BACKEND_TRAFFIC_POLICY, ChildKind.AI_GATEWAY_ROUTE,
                ChildKind.AI_GATEWAY_ROUTE);
    }

    @Test
    void everythingInTheNamespaceIsOwnedByThePassthroughModelAndNothingElsewhere() {
        var manifests = PassthroughManifestRenderer.render(PassthroughFixtures.referencePassthrough(),
                new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), GoldenManifestsTest.ACCESS), Set.of());

        assertThat(manifests.inNamespace()).allSatisfy(object -> assertThat(object.getMetadata().getOwnerReferences())
                .singleElement().satisfies(owner -> {
                    assertThat(owner.getKind()).isEqualTo(PassthroughModel.KIND);
                    assertThat(owner.getName()).isEqualTo("openrouter");
                    assertThat(owner.getController()).isTrue();
                }));
        assertThat(manifests.elsewhere()).allSatisfy(object -> assertThat(object.getMetadata().getOwnerReferences()).isNullOrEmpty());
    }

    @Test
    void theCredentialIsReferredToByTheSecretsNameAndNeverCopied() {
        var manifests = PassthroughManifestRenderer.render(PassthroughFixtures.referencePassthrough(),
                new RenderContext(ModelFixtures.settings(RoutingMode.SHARED), GoldenManifestsTest.ACCESS), Set.of());

        var yaml = String.join("", manifests.all().stream().map(SERIALIZATION::asYaml).toList());

        assertThat(yaml).contains("secretRef:\n      name: \"openrouter-credential\"");
        assertThat(manifests.all()).noneMatch(object -> object.getKind().equals("Secret"));
        assertThat(yaml).doesNotContainPattern("(?m)^\\s*(data|stringData):");
    }
}
