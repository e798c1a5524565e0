package dev.nebari.llm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.localcluster.KubernetesBinaries;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.PredecessorKeys;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/migration.md's key import as an admin runs it: scripts/import-predecessor-keys.sh with the real kubectl
 * against the API server, where the predecessor's key Secret and metadata ConfigMap (test data from its documented
 * layout) sit beside the model, posting to the running portal's admin API. The owner then lists the key; a second
 * run imports nothing twice.
 */
@WithKubernetes(upstreamCrds = false)
class PredecessorKeyImportScriptTest {

    @Test
    void theScriptImportsEachKeyForItsCreatorAndASecondRunChangesNothing(TestCluster cluster) throws Exception {
        var client = cluster.client();
        var namespace = cluster.newNamespace("predecessor-keys");
        var model = client.resource(ModelFixtures.model(namespace, "qwen", "org/qwen-import-" + namespace,
                "access: {public: true}")).create();
        var value = PredecessorKeys.newValue();
        String data;
        try (var in = getClass().getResourceAsStream("/predecessor/model-objects.yaml")) {
            data = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("OWNER_UID", model.getMetadata().getUid()).replace("NAMESPACE", namespace)
                    .replace("sk-Zm9vYmFyYmF6cXV4cXV1eHh5ejEyMzQ1", value);
        }
        List<HasMetadata> objects = client.getKubernetesSerialization().unmarshal(data);
        for (var object : objects) {
            if (object.getKind().equals("Secret") || object.getKind().equals("ConfigMap")) {
                object.getMetadata().setNamespace(namespace);
                client.resource(object).create();
            }
        }
        try (var issuer = FakeOidcIssuer.start();
                var app = TestApplication.startPortal(cluster, issuer.issuer(), "--leaderElection.namespace=" + namespace)) {
            var api = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/api/v1";
            var admin = issuer.token("root-sub", c -> c.claim("preferred_username", "root").claim("groups", List.of("admin")));

            var first = runScript(cluster, api, admin, namespace);
            assertThat(first.exitCode()).as(first.output()).isZero();
            assertThat(first.output()).contains("imported user-alice-qwen-").contains(" for alice as k")
                    .contains(namespace + "/qwen: 1 imported, 0 skipped, 0 failed")
                    .doesNotContain(value);

            var alice = issuer.token("alice-sub", c -> c.claim("preferred_username", "alice").claim("groups", List.of("llm-users")));
            var keys = JsonMapper.builder().build().readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(api + "/keys")).header("Authorization", "Bearer " + alice).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(keys).singleElement().satisfies(key -> {
                assertThat(key.get("description").asString()).isEqualTo("notebook");
                assertThat(key.get("created").asString()).startsWith("2026-08-01T10:00");
                assertThat(key.get("hint").asString()).isEqualTo(value.substring(value.length() - 4));
            });

            var second = runScript(cluster, api, admin, namespace);
            assertThat(second.exitCode()).as(second.output()).isZero();
            assertThat(second.output()).contains("stored already").contains("0 imported, 1 skipped, 0 failed");
        }
    }

    record Run(int exitCode, String output) {
    }

    static Run runScript(TestCluster cluster, String api, String token, String namespace) throws IOException, InterruptedException {
        var kubectl = KubernetesBinaries.locateOrBuild().kubectl();
        var script = new ProcessBuilder("bash", "scripts/import-predecessor-keys.sh", namespace, "qwen").redirectErrorStream(true);
        script.environment().putAll(Map.of(
                "PATH", kubectl.getParent() + ":" + System.getenv("PATH"),
                "KUBECONFIG", cluster.kubeconfig().toString(),
                "API", api, "TOKEN", token,
                // the creator's subject, as an identity provider lookup would print it
                "SUBJECT_OF", "echo \"$1-sub\""));
        var process = script.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
