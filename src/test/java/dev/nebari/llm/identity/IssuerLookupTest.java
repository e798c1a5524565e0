package dev.nebari.llm.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.testing.MutableClock;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's issuer comes from the same place as the portal's: the configured URL, or, as the chart installs it
 * by default (no issuerURL), the NebariApp's provisioned Secret, which may appear after the operator started.
 */
@WithKubernetes(upstreamCrds = false)
class IssuerLookupTest {

    static PackSettings.Oidc oidc(String issuerUrl, String secretName) {
        return new PackSettings.Oidc(issuerUrl, "groups", "", secretName, List.of(), "");
    }

    @Test
    void theConfiguredIssuerWins(TestCluster cluster, KubernetesClient client) {
        var lookup = new IssuerLookup(oidc("https://id.example.com/realms/nebari", "keys-oidc-client"), client,
                cluster.newNamespace("issuer"), MutableClock.startingNow());
        assertThat(lookup.current()).isEqualTo("https://id.example.com/realms/nebari");
    }

    @Test
    void withoutAConfiguredIssuerTheNebariAppSecretIsReadAndFoundOnceItAppears(TestCluster cluster, KubernetesClient client) {
        var namespace = cluster.newNamespace("issuer");
        var clock = MutableClock.startingNow();
        var lookup = new IssuerLookup(oidc("", "keys-oidc-client"), client, namespace, clock);

        assertThat(lookup.current()).as("no Secret yet: the internal endpoints wait").isEmpty();

        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("keys-oidc-client")
                .endMetadata().withStringData(Map.of("issuer-url", "https://keycloak.example.com/realms/nebari",
                        "client-id", "portal", "client-secret", "s3cret")).build()).create();
        assertThat(lookup.current()).as("looked up again only after a pause").isEmpty();

        clock.advance(Duration.ofSeconds(IssuerLookup.RETRY_SECONDS + 1));
        assertThat(lookup.current()).isEqualTo("https://keycloak.example.com/realms/nebari");
    }
}
