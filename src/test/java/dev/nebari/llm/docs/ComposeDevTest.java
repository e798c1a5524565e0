package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
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
 *
 * <p>The commands of compose-dev/README.md cannot run either; each is checked against the files it relies on: the
 * token request's port, realm, client id and secret, grant, user and password are the ones compose.yaml and the realm
 * file define (and the demo users table is the realm's users); the {@code docker compose} commands run where the
 * Compose file is, and {@code docker compose cp} copies the file the k3s service writes its kubeconfig to.
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

    // --- the commands of compose-dev/README.md ---

    @Test
    void theTokenCommandAsksKeycloaksTokenEndpointOfTheRealm() {
        var curl = tokenCommand();
        var keycloak = services().get("keycloak");
        var port = keycloakPort();

        assertThat(curl.method()).isEqualTo("POST");
        // Keycloak's token endpoint takes a form, which is what curl sends for -d.
        assertThat(curl.contentType()).hasValue("application/x-www-form-urlencoded");
        assertThat(curl.uri().getScheme()).isEqualTo("http");
        assertThat(curl.uri().getHost()).isEqualTo("localhost");
        assertThat(curl.uri().getPort()).isEqualTo(Integer.parseInt(port));
        assertThat(ports(keycloak)).contains(port + ":" + port);
        // Keycloak serves a realm's OIDC endpoints under /realms/<realm>/protocol/openid-connect/.
        assertThat(curl.uri().getPath()).isEqualTo("/realms/" + realm().get("realm") + "/protocol/openid-connect/token");
        assertThat(curl.url()).startsWith(RepoFiles.at(appConfig, "auth.oidc.issuerURL") + "/");
    }

    @Test
    void theTokenCommandUsesTheRealmsClientWithThePasswordGrantAndADemoUser() {
        var form = tokenCommand().formFields();
        assertThat(form).containsOnlyKeys("grant_type", "client_id", "client_secret", "username", "password");
        assertThat(form.get("grant_type")).isEqualTo("password");

        var clients = maps(realm().get("clients"));
        var passwordGrantClients = clients.stream().filter(c -> Boolean.TRUE.equals(c.get("directAccessGrantsEnabled")))
                .map(c -> c.get("clientId")).toList();
        assertThat(passwordGrantClients).as("the realm allows the password grant for the demo client only")
                .containsExactly(form.get("client_id"));
        var client = clients.stream().filter(c -> form.get("client_id").equals(c.get("clientId"))).findFirst().orElseThrow();
        assertThat(client).containsEntry("enabled", true).containsEntry("publicClient", false)
                .containsEntry("secret", form.get("client_secret"));

        var user = user(form.get("username"));
        assertThat(user).containsEntry("enabled", true);
        assertThat(password(user)).isEqualTo(form.get("password"));
    }

    @Test
    void theDemoUsersTableIsTheRealmsUsers() {
        var rows = Pattern.compile("(?m)^\\| `([^`]+)` / `([^`]+)` \\| ([^|]+) \\|").matcher(RepoFiles.read(DIR + "README.md"));
        var documented = new ArrayList<String>();
        while (rows.find()) {
            var user = user(rows.group(1));
            documented.add(rows.group(1));
            assertThat(password(user)).as("password of %s", rows.group(1)).isEqualTo(rows.group(2));
            var groups = new TreeSet<String>();
            var names = Pattern.compile("`([^`]+)`").matcher(rows.group(3));
            while (names.find()) {
                groups.add(names.group(1));
            }
            assertThat(strings(user.get("groups")).stream().map(g -> g.replaceFirst("^/", "")).toList())
                    .as("groups of %s", rows.group(1)).containsExactlyInAnyOrderElementsOf(groups);
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                maps(realm().get("users")).stream().map(u -> (String) u.get("username")).toList());
    }

    @Test
    void theDockerComposeCommandsRunWhereTheComposeFileIsAndNameItsServicesAndPaths() {
        var cwd = Path.of("");
        var composeCommands = new ArrayList<List<String>>();
        String copiedTo = null;
        for (var words : DocumentedCommands.shellCommands(DIR + "README.md")) {
            if (words.get(0).equals("cd")) {
                cwd = cwd.resolve(words.get(1)).normalize();
                continue;
            }
            if (words.size() < 3 || !words.subList(0, 2).equals(List.of("docker", "compose"))) {
                continue;
            }
            composeCommands.add(words);
            // Compose looks for compose.yaml in the directory it runs in.
            assertThat(RepoFiles.path(cwd.resolve("compose.yaml").toString())).as("compose file for %s", words).isRegularFile();
            assertThat(cwd.toString() + "/").isEqualTo(DIR);
            var arguments = words.subList(3, words.size());
            switch (words.get(2)) {
                case "up" -> {
                    assertThat(arguments).containsOnly("--build", "-d");
                    assertThat(services().values()).anySatisfy(service -> assertThat(service).containsKey("build"));
                }
                case "cp" -> {
                    assertThat(arguments).hasSize(2);
                    var source = arguments.get(0).split(":", 2);
                    var k3s = services().get(source[0]);
                    assertThat(k3s).as("service %s", source[0]).isNotNull();
                    // k3s writes its kubeconfig where K3S_KUBECONFIG_OUTPUT says, on the shared volume.
                    assertThat(((Map<?, ?>) k3s.get("environment")).get("K3S_KUBECONFIG_OUTPUT")).isEqualTo(source[1]);
                    var directory = source[1].substring(0, source[1].lastIndexOf('/'));
                    assertThat(strings(k3s.get("volumes"))).anyMatch(v -> v.endsWith(":" + directory));
                    copiedTo = arguments.get(1);
                }
                case "down" -> {
                    assertThat(arguments).containsOnly("-v");
                    assertThat(compose).as("named volumes for -v to remove").containsKey("volumes");
                }
                default -> throw new AssertionError("docker compose " + words.get(2) + " is not checked here: teach ComposeDevTest");
            }
        }
        assertThat(composeCommands).extracting(w -> w.get(2)).containsExactly("up", "cp", "down");
        assertThat(copiedTo).isNotNull();
        var readme = RepoFiles.read(DIR + "README.md");
        assertThat(readme).contains("export KUBECONFIG=\"$PWD/" + copiedTo.replaceFirst("^\\./", "") + "\"");
    }

    @Test
    void theCopiedKubeconfigPointsAtThePortK3sPublishes() {
        var readme = RepoFiles.read(DIR + "README.md");
        var server = Pattern.compile("The copied kubeconfig points at `(https://127\\.0\\.0\\.1:(\\d+))`").matcher(readme);
        assertThat(server.find()).isTrue();
        assertThat(ports(services().get("k3s"))).contains(server.group(2) + ":" + server.group(2));
        // What k3s writes is what the kubeconfig service rewrites for the Compose network.
        assertThat(String.join(" ", strings(services().get("kubeconfig").get("command")))).contains("s#" + server.group(1) + "#");
    }

    private static Curl tokenCommand() {
        var curls = DocumentedCommands.shellCommands(DIR + "README.md").stream()
                .filter(words -> words.get(0).equals("curl")).map(Curl::parse).toList();
        assertThat(curls).hasSize(1);
        return curls.getFirst();
    }

    private String keycloakPort() {
        var command = String.join(" ", strings(services().get("keycloak").get("command")));
        var port = Pattern.compile("--http-port=(\\d+)").matcher(command);
        assertThat(port.find()).as("Keycloak's --http-port").isTrue();
        return port.group(1);
    }

    private static Map<String, Object> user(String username) {
        return maps(realm().get("users")).stream().filter(u -> username.equals(u.get("username"))).findFirst()
                .orElseThrow(() -> new AssertionError("no user " + username + " in the realm"));
    }

    private static String password(Map<String, Object> user) {
        return maps(user.get("credentials")).stream().filter(c -> "password".equals(c.get("type")))
                .map(c -> (String) c.get("value")).findFirst().orElseThrow();
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
