package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Compose stack cannot run here (no Docker), so its wiring is checked statically: the files it references exist,
 * the published ports are the application's own defaults, the issuer points at Keycloak's port and realm, and the
 * demo realm has every group the demo models and the admin setting use.
 */
class ComposeDevTest {

    private static final String DIR = "compose-dev/";
    private final Map<String, Object> compose = RepoFiles.yamlMap(DIR + "compose.yaml");
    private final Map<String, Object> appConfig = RepoFiles.yamlMap(DIR + "app/application.yaml");
    private final Map<String, Object> appDefaults = RepoFiles.yamlMap("src/main/resources/application.yaml");

    @Test
    void hasTheFourServices() {
        assertThat(services()).containsKeys("k3s", "kubeconfig", "keycloak", "app");
    }

    @Test
    void everyReferencedFileExists() {
        var referenced = new ArrayList<String>();
        services().forEach((name, service) -> {
            if (service.get("build") instanceof Map<?, ?> build) {
                var context = DIR + build.get("context");
                referenced.add(context);
                referenced.add(context + "/" + build.get("dockerfile"));
            }
            if (service.get("volumes") instanceof List<?> volumes) {
                volumes.stream().map(String::valueOf).map(v -> v.split(":")[0])
                        .filter(source -> source.startsWith("./") || source.startsWith("../"))
                        .forEach(source -> referenced.add(DIR + source));
            }
        });

        assertThat(referenced).isNotEmpty()
                .allSatisfy(path -> assertThat(RepoFiles.path(path).normalize()).as(path).exists());
    }

    @Test
    void publishesTheApplicationsDefaultPortsWhereTheAppListens() {
        var web = RepoFiles.at(appDefaults, "server.port");
        var management = RepoFiles.at(appDefaults, "management.server.port");
        assertThat(web).isEqualTo(8080);
        assertThat(management).isEqualTo(8081);
        assertThat(RepoFiles.at(appConfig, "server.port")).isEqualTo(web);
        assertThat(RepoFiles.at(appConfig, "management.server.port")).isEqualTo(management);

        // The app joins another service's network namespace; that service must publish the app's ports.
        var networkMode = (String) services().get("app").get("network_mode");
        assertThat(networkMode).startsWith("service:");
        var host = services().get(networkMode.substring("service:".length()));
        assertThat(ports(host)).contains(web + ":" + web, management + ":" + management);
        assertThat(RepoFiles.read(DIR + "Dockerfile")).containsPattern("EXPOSE\\s+" + web + "\\s+" + management);
    }

    @Test
    void issuerIsKeycloaksLocalhostPortAndTheImportedRealm() {
        var keycloak = services().get("keycloak");
        var command = String.join(" ", strings(keycloak.get("command")));
        var portMatcher = Pattern.compile("--http-port=(\\d+)").matcher(command);
        assertThat(portMatcher.find()).as("Keycloak's --http-port").isTrue();
        var port = portMatcher.group(1);
        assertThat(ports(keycloak)).contains(port + ":" + port);
        assertThat(port).isNotIn("8080", "8081");

        var realm = realm();
        assertThat(RepoFiles.at(appConfig, "auth.oidc.issuerURL"))
                .isEqualTo("http://localhost:" + port + "/realms/" + realm.get("realm"));
        assertThat(((Map<?, ?>) keycloak.get("environment")).get("KC_HOSTNAME")).isEqualTo("http://localhost:" + port);
        assertThat(strings(keycloak.get("volumes"))).anyMatch(v -> v.startsWith("./keycloak/realm-nebari.json:/opt/keycloak/data/import/"));
    }

    @Test
    void realmHasTheGroupsOfTheDemoModelsAndAdminsWithMembers() {
        var realm = realm();
        var groups = new TreeSet<String>();
        maps(realm.get("groups")).forEach(g -> groups.add((String) g.get("name")));
        var memberships = new TreeSet<String>();
        maps(realm.get("users")).forEach(u -> strings(u.get("groups")).forEach(g -> memberships.add(g.replaceFirst("^/", ""))));

        var needed = new TreeSet<String>(strings(RepoFiles.at(appConfig, "auth.adminGroups")));
        for (var model : RepoFiles.yamlDocuments(DIR + "models/demo-models.yaml")) {
            needed.addAll(strings(RepoFiles.at(model, "spec.access.groups")));
        }
        assertThat(needed).contains("llm-users", "data-science", "admin");
        assertThat(groups).containsAll(needed);
        assertThat(memberships).as("every group has a demo user").containsAll(needed);
        var groupMappers = maps(realm.get("clients")).stream().flatMap(c -> maps(c.get("protocolMappers")).stream())
                .filter(m -> "oidc-group-membership-mapper".equals(m.get("protocolMapper"))).toList();
        assertThat(groupMappers).singleElement().satisfies(m -> assertThat(((Map<?, ?>) m.get("config")).get("claim.name"))
                .isEqualTo(RepoFiles.at(appConfig, "auth.oidc.groupsClaim")));
    }

    @Test
    void appReadsTheRewrittenKubeconfigFromTheSharedVolume() {
        var kubeconfig = (String) RepoFiles.at(appConfig, "cluster.kubeconfig");
        assertThat(RepoFiles.at(appConfig, "cluster.embedded")).isEqualTo("never");
        var rewrite = String.join(" ", strings(services().get("kubeconfig").get("command")));
        var fileName = kubeconfig.substring(kubeconfig.lastIndexOf('/') + 1);
        assertThat(rewrite).contains("/output/" + fileName);
        assertThat(strings(services().get("app").get("volumes"))).contains("k3s-output:" + kubeconfig.substring(0, kubeconfig.lastIndexOf('/')) + ":ro");
        assertThat(strings(services().get("k3s").get("command"))).contains("--tls-san=k3s");
        assertThat(rewrite).contains("https://k3s:6443");
    }

    @Test
    void dockerfilePackagesTheSpringBootJar() throws IOException {
        var dockerfile = RepoFiles.read(DIR + "Dockerfile");
        var artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(
                Files.readString(RepoFiles.path("pom.xml")).split("</parent>", 2)[1]);
        assertThat(artifact.find()).isTrue();
        assertThat(dockerfile).contains("target/" + artifact.group(1) + "-*.jar").contains("-jar");
        for (var copied : Set.of(".mvn/", "mvnw", "pom.xml", "src/", "charts/")) {
            assertThat(RepoFiles.path(copied)).exists();
        }
    }

    @Test
    void theImageRunsWithTheJvmOptionsTheReconcileBenchmarkMeasures() {
        var dockerfile = RepoFiles.read(DIR + "Dockerfile");
        assertThat(dockerfile).contains("COPY config/jvm.options /app/jvm.options").contains("\"@/app/jvm.options\"");
        assertThat(RepoFiles.path("config/jvm.options")).exists();
        assertThat(RepoFiles.read("bench/reconcile/run.sh")).contains("@config/jvm.options");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> realm() {
        return Serialization.unmarshal(RepoFiles.read(DIR + "keycloak/realm-nebari.json"), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
        return list instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static List<String> ports(Map<String, Object> service) {
        return strings(service.get("ports"));
    }

    private static List<String> strings(Object list) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
