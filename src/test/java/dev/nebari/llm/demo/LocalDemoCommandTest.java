package dev.nebari.llm.demo;

import dev.nebari.llm.testing.FreePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.docs.DocumentedCommands;
import dev.nebari.llm.identity.LoginClientSettings;
import dev.nebari.llm.platform.PackSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The documented way to run the local demo on other ports (docs/local-demo.md):
 * {@code SERVER_PORT=8090 MANAGEMENT_SERVER_PORT=8091 AUTH_OIDC_ISSUERURL=http://localhost:9100 ./mvnw spring-boot:run}.
 *
 * <p>{@link LocalDemoTest} starts the demo as {@code ./mvnw spring-boot:run} does, once; starting it a second time
 * with environment variables would take two more minutes, and a test cannot change its own JVM's environment. So
 * this test checks what the variables change: read as Spring reads the process environment (a
 * {@link SystemEnvironmentPropertySource}, relaxed binding) they bind to the settings the docs say
 * ({@code server.port}, {@code management.server.port}, {@code auth.oidc.issuerURL}) through the application's own
 * settings classes, they outrank config/local.yaml (nothing the run command passes as an argument outranks them),
 * and the demo identity provider built from the resulting settings serves the issuer's port and accepts the
 * portal's redirect URI on the new {@code SERVER_PORT}.
 */
class LocalDemoCommandTest {

    static final String DOC = "docs/local-demo.md";

    /** The environment variables of the documented command, as written. */
    static Map<String, String> documentedVariables() {
        var commands = DocumentedCommands.blocks(DOC, DocumentedCommands.SHELL).stream()
                .flatMap(b -> b.logicalLines().stream())
                .filter(line -> !DocumentedCommands.assignments(line).isEmpty())
                .filter(line -> DocumentedCommands.split(DocumentedCommands.tokenize(line)).getFirst()
                        .equals(List.of("./mvnw", "spring-boot:run")))
                .toList();
        assertThat(commands).as("./mvnw spring-boot:run with environment variables in %s", DOC).hasSize(1);
        return DocumentedCommands.assignments(commands.getFirst());
    }

    @Test
    void theVariablesBindToTheSettingsTheDocsName() {
        var variables = documentedVariables();
        assertThat(variables).containsOnlyKeys("SERVER_PORT", "MANAGEMENT_SERVER_PORT", "AUTH_OIDC_ISSUERURL");
        var binder = binder(sources(environmentSource(variables)));

        assertThat(binder.bind("server", ServerProperties.class).get().getPort()).isEqualTo(8090);
        assertThat(binder.bind("management.server", ManagementServerProperties.class).get().getPort()).isEqualTo(8091);
        assertThat(packSettings(binder).auth().oidc().issuerURL()).isEqualTo("http://localhost:9100");
    }

    @Test
    void theyOutrankTheDefaultsAndConfigLocalYaml() {
        var without = binder(sources(localYaml(), applicationYaml()));
        var with = binder(sources(environmentSource(documentedVariables()), localYaml(), applicationYaml()));

        assertThat(without.bind("server.port", Integer.class).get()).isEqualTo(8080);
        assertThat(without.bind("management.server.port", Integer.class).get()).isEqualTo(8081);
        assertThat(packSettings(without).auth().oidc().issuerURL()).isEqualTo("http://localhost:9000");
        assertThat(with.bind("server.port", Integer.class).get()).isEqualTo(8090);
        assertThat(with.bind("management.server.port", Integer.class).get()).isEqualTo(8091);
        assertThat(packSettings(with).auth().oidc().issuerURL()).isEqualTo("http://localhost:9100");
    }

    @Test
    void theRunCommandPassesNoArgumentThatWouldOutrankThem() {
        var pom = DocumentedCommands.file("pom.xml");
        var plugin = pom.substring(pom.indexOf("<artifactId>spring-boot-maven-plugin</artifactId>"));
        plugin = plugin.substring(0, plugin.indexOf("</plugin>"));
        var arguments = Pattern.compile("<argument>--([^=<]+)=").matcher(plugin);
        var passed = new ArrayList<ConfigurationPropertyName>();
        while (arguments.find()) {
            passed.add(ConfigurationPropertyName.of(arguments.group(1)));
        }

        assertThat(passed).as("settings the run command passes as arguments").isNotEmpty()
                .doesNotContain(ConfigurationPropertyName.adapt("server.port", '.'),
                        ConfigurationPropertyName.adapt("management.server.port", '.'),
                        ConfigurationPropertyName.adapt("auth.oidc.issuerURL", '.'));
    }

    /**
     * The identity provider as the demo builds it from these settings. The issuer's port is a free one instead of
     * the documented 9100, which may be taken on the test machine; SERVER_PORT is the documented 8090 (the
     * provider only writes it into the portal's redirect URI, nothing listens there).
     */
    @Test
    void theDemoIdentityProviderServesTheIssuersPortAndRedirectsToServerPort() throws Exception {
        var variables = new LinkedHashMap<>(documentedVariables());
        var issuer = variables.get("AUTH_OIDC_ISSUERURL").replace(":9100", ":" + FreePort.any());
        variables.put("AUTH_OIDC_ISSUERURL", issuer);
        var environment = new StandardEnvironment();
        var propertySources = environment.getPropertySources();
        propertySources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        propertySources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources(environmentSource(variables), localYaml(), applicationYaml()).forEach(propertySources::addLast);
        ConfigurationPropertySources.attach(environment);
        var binder = Binder.get(environment);

        var login = binder.bind("portal.login", LoginClientSettings.class).get();
        try (var provider = new DemoConfiguration().demoIdentityProvider(
                binder.bind("demo", DemoSettings.class).get(), packSettings(binder), login, environment)) {
            provider.start();

            assertThat(provider.issuer()).isEqualTo(issuer);
            var discovery = get(issuer + "/.well-known/openid-configuration");
            assertThat(discovery.statusCode()).isEqualTo(200);
            assertThat(discovery.body()).contains("\"issuer\":\"" + issuer + "\"");
            var portalOnServerPort = authorize(issuer, login.clientId(), "http://localhost:8090/login/oauth2/code/nebari");
            assertThat(portalOnServerPort.statusCode()).as("the portal's redirect URI on SERVER_PORT is accepted").isEqualTo(302);
            assertThat(portalOnServerPort.headers().firstValue("Location")).hasValue(issuer + "/login");
            var portalOnDefaultPort = authorize(issuer, login.clientId(), "http://localhost:8080/login/oauth2/code/nebari");
            assertThat(portalOnDefaultPort.statusCode()).as("the default port's redirect URI is not registered").isEqualTo(400);
        }
    }

    // --- fixtures ---

    private static PropertySource<?> environmentSource(Map<String, String> variables) {
        // The name marks it as the process environment, which is what turns on the relaxed mapping of NAMES_LIKE_THIS.
        return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new LinkedHashMap<>(variables));
    }

    private static PropertySource<?> localYaml() {
        return yaml("config/local.yaml", new FileSystemResource(DocumentedCommands.repositoryPath("config/local.yaml")));
    }

    private static PropertySource<?> applicationYaml() {
        return yaml("application.yaml", new ClassPathResource("application.yaml"));
    }

    private static PropertySource<?> yaml(String name, Resource resource) {
        try {
            // The first document: later ones are profile-specific.
            return new YamlPropertySourceLoader().load(name, resource).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sources in the order Spring Boot consults them: the process environment before any configuration file. */
    private static MutablePropertySources sources(PropertySource<?>... inOrder) {
        var sources = new MutablePropertySources();
        for (var source : inOrder) {
            sources.addLast(source);
        }
        return sources;
    }

    private static Binder binder(MutablePropertySources sources) {
        return new Binder(ConfigurationPropertySources.from(sources));
    }

    private static PackSettings packSettings(Binder binder) {
        return binder.bindOrCreate("", Bindable.of(PackSettings.class));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An authorization request as the portal sends it (PKCE), from a browser that is not signed in. */
    private static HttpResponse<String> authorize(String issuer, String clientId, String redirectUri) throws Exception {
        var query = "response_type=code&client_id=" + clientId + "&scope=openid&state=s1"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSsw-cM&code_challenge_method=S256"
                + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/authorize?" + query))
                        .header("Accept", "text/html").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
