package dev.nebari.llm.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nebari.llm.testing.MissingParts;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Where the embedded control plane's upstream CRDs come from: the configured directory, or (without it) the release
 * URLs of {@code config/local.yaml}, which must name exactly the tested set.
 */
@WithKubernetes(upstreamCrds = false)
class EmbeddedClusterCrdSourcesTest {

    private static final String GADGET_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: gadgets.crdsources.test.nebari.dev
            spec:
              group: crdsources.test.nebari.dev
              names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    @TempDir
    Path cache;

    @Test
    void withoutTheDirectoryTheCrdsAreFetchedFromTheirUrlsAndInstalled(TestCluster cluster, KubernetesClient client)
            throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/gadgets/v1/gadgets.yaml", exchange -> {
            var bytes = GADGET_CRD.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            var base = "http://127.0.0.1:" + server.getAddress().getPort();
            var urls = List.of(URI.create(base + "/gadgets/v1/gadgets.yaml"), URI.create(base + "/gone/v1/gone.yaml"));

            // The shared control plane is borrowed, not owned: this test does not close it.
            new EmbeddedCluster(cluster.controlPlane()).installCrds(cache.resolve("no-such-dir"), urls, cache);

            var gadgets = client.apiextensions().v1().customResourceDefinitions()
                    .withName("gadgets.crdsources.test.nebari.dev").get();
            assertThat(gadgets).isNotNull();
            assertThat(gadgets.getStatus().getConditions())
                    .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            // the unreachable file is reported (logged), not fatal: our own CRD is there too
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName("llmmodels.llm.nebari.dev").get())
                    .isNotNull();
        } finally {
            server.stop(0);
            client.apiextensions().v1().customResourceDefinitions().withName("gadgets.crdsources.test.nebari.dev").delete();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLocalDemoUrlsNameExactlyTheTestedSetAtItsTags() throws IOException {
        MissingParts.require(Files.isDirectory(TestCluster.UPSTREAM_CRDS),
                "upstream CRDs directory " + TestCluster.UPSTREAM_CRDS.toAbsolutePath() + " (set -Dnebari.thirdPartyCrds)");
        Map<String, Object> local = new Yaml().load(Files.readString(Path.of("config/local.yaml")));
        var urls = (List<String>) ((Map<String, Object>) local.get("cluster")).get("crdUrls");

        var expected = new ArrayList<String>(); // "<tag>/<file name>" for every file of the tested set
        for (var dir : CrdInstaller.TESTED_SET) {
            var tag = dir.substring(dir.indexOf('/') + 1);
            try (var files = Files.list(TestCluster.UPSTREAM_CRDS.resolve(dir))) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).forEach(n -> expected.add(tag + "/" + n));
            }
        }
        var named = urls.stream().map(url -> {
            assertThat(url).startsWith("https://");
            var path = URI.create(url).getPath();
            var fileName = path.substring(path.lastIndexOf('/') + 1);
            var tag = expected.stream().map(e -> e.substring(0, e.indexOf('/')))
                    .filter(t -> path.contains("/" + t + "/")).findFirst().orElse("no tested tag in " + url);
            return tag + "/" + fileName;
        }).toList();
        assertThat(named).containsExactlyInAnyOrderElementsOf(expected);
    }
}
