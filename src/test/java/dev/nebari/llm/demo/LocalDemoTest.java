package dev.nebari.llm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.LlmServingApplication;
import dev.nebari.llm.localcluster.EmbeddedCluster;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.testing.FreePort;
import dev.nebari.llm.testing.MissingParts;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The local demo as {@code ./mvnw spring-boot:run} starts it (config/local.yaml, its own embedded cluster with
 * simulated nodes, the demo identity provider), on free ports: the demo models become Ready, the provider serves
 * its discovery document, and a user signs in to the portal through the provider's form (a real
 * authorization-code flow with PKCE, scripted with an HTTP client instead of a browser), sees the models of her
 * groups and mints a key — once scripted with an HTTP client, once in Chromium (screenshots in
 * {@code target/screenshots/demo-*.png}) — and the snippets the portal prints for that key answer through the demo's
 * real Envoy gateway, run as printed: the curl command in bash, the Python one with the OpenAI client.
 */
class LocalDemoTest {

    static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    static ConfigurableApplicationContext app;
    static String portal;
    static String issuer;
    static String gateway;
    static long startNanos;
    static Duration startedIn;

    @BeforeAll
    static void startTheDemo() {
        MissingParts.require(Files.isDirectory(TestCluster.UPSTREAM_CRDS),
                "upstream CRDs directory " + TestCluster.UPSTREAM_CRDS.toAbsolutePath() + " (set -Dnebari.thirdPartyCrds)");
        portal = "http://localhost:" + FreePort.any();
        issuer = "http://localhost:" + FreePort.any();
        var externalPort = FreePort.any();
        var internalPort = FreePort.any();
        var prometheusPort = FreePort.any();
        gateway = "http://localhost:" + externalPort;
        startNanos = System.nanoTime();
        // The run command's arguments (see the spring-boot-maven-plugin in pom.xml), then free ports.
        app = new SpringApplicationBuilder(LlmServingApplication.class).run(
                "--spring.config.additional-location=optional:file:config/local.yaml",
                "--server.port=" + URI.create(portal).getPort(),
                "--management.server.port=0",
                "--auth.oidc.issuerURL=" + issuer,
                "--demo.gateway.externalPort=" + externalPort,
                "--demo.gateway.internalPort=" + internalPort,
                "--demo.gateway.prometheusPort=" + prometheusPort,
                "--usage.prometheusUrl=http://localhost:" + prometheusPort,
                "--platform.gateway.external.url=" + gateway,
                "--platform.gateway.internal.url=http://localhost:" + internalPort,
                "--cluster.crdsDir=" + TestCluster.UPSTREAM_CRDS,
                // Never the developer's own cluster, even when a kubeconfig exists.
                "--cluster.embedded=always");
        startedIn = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theDemoModelsBecomeReadyOnTheSimulatedCluster() {
        awaitDemoReady();
        var client = app.getBean(KubernetesClient.class);
        assertThat(client.resources(LLMModel.class).inNamespace("llm-demo").list().getItems())
                .extracting(m -> m.getMetadata().getName())
                .containsExactlyInAnyOrder("qwen3-0-6b", "qwen3-5-35b-a3b", "phi-4-mini");
        assertThat(client.resources(LLMModel.class).inNamespace("llm-demo").list().getItems()).allMatch(DemoModels::isReady);
        assertThat(app.getBean(EmbeddedCluster.class).simulatesWorkloads()).isTrue();
        System.out.printf("local demo: application started in %.1f s, demo models Ready %.1f s after the start began%n",
                startedIn.toMillis() / 1000.0, (System.nanoTime() - startNanos) / 1e9);
    }

    @Test
    void theAdmissionWebhookRefusesASecondModelWithATakenId() {
        awaitDemoReady();
        var client = app.getBean(KubernetesClient.class);
        var copy = client.resources(LLMModel.class).inNamespace("llm-demo").withName("qwen3-0-6b").get();
        copy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("qwen-copy")
                .withNamespace("llm-demo").build());
        copy.setStatus(null);

        assertThatThrownBy(() -> client.resource(copy).create())
                .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .hasMessageContaining("admission webhook")
                .hasMessageContaining("is already served by LLMModel llm-demo/qwen3-0-6b");
    }

    @Test
    void theIdentityProviderServesItsDiscoveryDocumentForTheConfiguredIssuer() throws Exception {
        var response = new Browser().get(issuer + "/.well-known/openid-configuration");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<?, ?> document = Serialization.unmarshal(response.body(), Map.class);
        assertThat(document.get("issuer")).isEqualTo(issuer);
        assertThat(document.get("authorization_endpoint")).isEqualTo(issuer + "/oauth2/authorize");
        assertThat(document.get("token_endpoint")).isEqualTo(issuer + "/oauth2/token");
        assertThat(document.get("jwks_uri")).isEqualTo(issuer + "/oauth2/jwks");
        assertThat(document.get("userinfo_endpoint")).isEqualTo(issuer + "/userinfo");
        assertThat(document.get("end_session_endpoint")).isEqualTo(issuer + "/connect/logout");
        assertThat(String.valueOf(document.get("code_challenge_methods_supported"))).contains("S256");
    }

    @Test
    void aliceSignsInThroughTheProvidersFormSeesHerModelsAndMintsAKey() throws Exception {
        awaitDemoReady();
        var alice = new Browser();

        var models = alice.signIn("alice@example.com", "alice-demo");
        assertThat(models.body()).contains("Signed in as", "alice@example.com")
                .contains("qwen3-0-6b", "qwen3-5-35b-a3b")
                // Group students only.
                .doesNotContain("phi-4-mini");

        var form = alice.get(portal + "/keys/new?model=llm-demo/qwen3-0-6b");
        assertThat(form.statusCode()).isEqualTo(200);
        var created = alice.post(portal + "/keys", Map.of(
                "_csrf", hiddenField(form.body(), "_csrf"),
                "model", "llm-demo/qwen3-0-6b",
                "description", "local demo test",
                "lifetime", "30d"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).containsPattern("value=\"sk-[^\"]+\"").contains("will not be shown again");
        assertThat(alice.get(portal + "/keys").body()).contains("local demo test");
    }

    @Test
    void aDemoUserSignsInWithChromiumAndMintsAKey() {
        awaitDemoReady();
        try (var browser = dev.nebari.llm.testing.Browser.open()) {
            var driver = browser.driver();
            browser.visit(portal + "/");
            driver.findElement(By.linkText("Sign in")).click();
            await("the provider's sign-in form").atMost(Duration.ofSeconds(20))
                    .until(() -> !driver.findElements(By.id("sign-in")).isEmpty());
            browser.screenshot("demo-01-provider-sign-in");
            driver.findElement(By.name("username")).sendKeys("admin@example.com");
            driver.findElement(By.name("password")).sendKeys("admin-demo");
            driver.findElement(By.id("sign-in")).click();
            await("back at the portal").atMost(Duration.ofSeconds(20))
                    .until(() -> browser.currentUrl().startsWith(portal + "/") && driver.getPageSource().contains("My models"));
            assertThat(driver.getPageSource()).contains("admin@example.com", "qwen3-0-6b", "qwen3-5-35b-a3b", "Ready");
            browser.screenshot("demo-02-my-models");

            driver.findElement(By.linkText("Create a key for qwen3-0-6b")).click();
            browser.awaitElement(By.id("description")).sendKeys("demo in Chromium");
            driver.findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
            assertThat(browser.awaitElement(By.id("key-value")).getDomAttribute("value")).startsWith("sk-");
            browser.screenshot("demo-03-key-created");

            driver.findElement(By.linkText("All keys")).click();
            browser.awaitUrlContaining("/admin/keys");
            assertThat(driver.getPageSource()).contains("demo in Chromium");
            browser.screenshot("demo-04-admin-all-keys");
        }
    }

    @Test
    void theSnippetsThePortalPrintsForAKeyAnswerThroughTheGatewayAsPrinted() throws Exception {
        awaitDemoReady();
        var alice = new Browser();
        var models = alice.signIn("alice@example.com", "alice-demo");
        assertThat(models.body()).as("the demo says its models are simulated").contains("the models are simulated");
        var form = alice.get(portal + "/keys/new?model=llm-demo/qwen3-0-6b");
        var created = alice.post(portal + "/keys", Map.of("_csrf", hiddenField(form.body(), "_csrf"),
                "model", "llm-demo/qwen3-0-6b", "description", "snippets", "lifetime", "30d"));
        var key = Pattern.compile("value=\"(sk-[^\"]+)\"").matcher(created.body());
        assertThat(key.find()).isTrue();
        var snippets = snippetsFor(alice.get(portal + "/").body(), "qwen3-0-6b");
        assertThat(snippets.get(0)).as("the curl snippet").contains(gateway + "/v1/chat/completions");

        // As a user would: replace the placeholder on the first line with the key, then run the rest.
        var curl = snippets.get(0).replaceFirst("export LLM_API_KEY=\"sk-\\.\\.\\.\"", "export LLM_API_KEY=\"" + key.group(1) + "\"");
        await("the new key answers through the gateway").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> run(List.of("bash", "-c", curl), Map.of()).contains("Simulated answer from Qwen/Qwen3-0.6B"));

        var python = Path.of(run(List.of("bash", "scripts/openai-python.sh", "--print-python"), Map.of()).strip());
        MissingParts.require(Files.isExecutable(python), "a Python with the OpenAI client (run scripts/openai-python.sh)");
        var printed = run(List.of(python.toString(), "-c", snippets.get(1)), Map.of("LLM_API_KEY", key.group(1)));
        assertThat(printed).startsWith("Simulated answer from Qwen/Qwen3-0.6B");
    }

    /** The curl and Python snippets of a model's card on the "my models" page, as a user copies them. */
    private static List<String> snippetsFor(String page, String model) {
        var start = page.indexOf("id=\"model-llm-demo-" + model + "\"");
        assertThat(start).as("the card of %s", model).isPositive();
        var snippets = new ArrayList<String>();
        var matcher = Pattern.compile("<pre class=\"snippet copyable\"[^>]*>(.*?)</pre>", Pattern.DOTALL)
                .matcher(page.substring(start));
        while (matcher.find() && snippets.size() < 2) {
            snippets.add(org.springframework.web.util.HtmlUtils.htmlUnescape(matcher.group(1)));
        }
        assertThat(snippets).as("snippets of %s", model).hasSize(2);
        return snippets;
    }

    private static String run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    @Test
    void bobWithoutGroupsSeesOnlyThePublicModel() throws Exception {
        var models = new Browser().signIn("bob@example.com", "bob-demo");
        assertThat(models.body()).contains("bob@example.com", "qwen3-0-6b").doesNotContain("qwen3-5-35b-a3b", "phi-4-mini");
    }

    @Test
    void aWrongPasswordIsRefusedOnTheProvidersForm() throws Exception {
        var browser = new Browser();
        var signInForm = browser.follow(browser.request(portal + "/oauth2/authorization/nebari").build());
        var refused = browser.follow(browser.form(signInForm.uri().toString(), Map.of(
                "username", "alice@example.com", "password", "wrong", "_csrf", hiddenField(signInForm.body(), "_csrf"))));
        assertThat(refused.uri().toString()).isEqualTo(issuer + "/login?error");
        assertThat(refused.body()).contains("Wrong user name or password");
    }

    /**
     * A token for the REST API: the authorization-code flow with PKCE as the portal's client, up to the redirect
     * back (whose code is taken instead of followed), then the code exchanged at the token endpoint.
     */
    @Test
    void theRestApiAcceptsAccessTokensFromTheProvider() throws Exception {
        var login = app.getEnvironment();
        var clientId = login.getRequiredProperty("portal.login.clientId");
        var clientSecret = login.getRequiredProperty("portal.login.clientSecret");
        var redirectUri = portal + "/login/oauth2/code/nebari";
        var grant = AuthorizationCode.signIn(issuer + "/oauth2/authorize", clientId, redirectUri, "admin@example.com", "admin-demo");

        var tokens = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(grant.tokenRequest()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        var accessToken = (String) Serialization.unmarshal(tokens.body(), Map.class).get("access_token");

        var me = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(portal + "/api/v1/me"))
                .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        Map<?, ?> caller = Serialization.unmarshal(me.body(), Map.class);
        assertThat(caller.get("username")).isEqualTo("admin@example.com");
        assertThat(caller.get("admin")).isEqualTo(true);
        assertThat(String.valueOf(caller.get("groups"))).contains("llm-users");
    }

    /**
     * The OpenAPI page's Authorize as Swagger UI runs it, scripted: the client id from its {@code initOAuth}, the
     * endpoints from the document's sign-in scheme, the redirect URI from its configuration; the code exchanged from
     * the portal's origin with the PKCE verifier and no secret (a public client), which the provider allows by CORS.
     * The token then calls the REST API.
     */
    @Test
    void theOpenApiPagesAuthorizeSignsInAtTheProviderAndItsTokenCallsTheRestApi() throws Exception {
        var http = HttpClient.newHttpClient();
        var json = tools.jackson.databind.json.JsonMapper.builder().build();
        var initializer = http.send(HttpRequest.newBuilder(URI.create(portal + "/swagger-ui/swagger-initializer.js")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        var clientId = Pattern.compile("\"clientId\"\\s*:\\s*\"([^\"]+)\"").matcher(initializer);
        assertThat(clientId.find()).as(initializer).isTrue();
        assertThat(initializer).containsPattern("\"usePkceWithAuthorizationCodeGrant\"\\s*:\\s*true");
        var flow = json.readTree(http.send(HttpRequest.newBuilder(URI.create(portal + "/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).at("/components/securitySchemes/oidc/flows/authorizationCode");
        var redirectUri = json.readTree(http.send(HttpRequest.newBuilder(URI.create(portal + "/v3/api-docs/swagger-config")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("oauth2RedirectUrl").asString();
        assertThat(redirectUri).isEqualTo(portal + "/swagger-ui/oauth2-redirect.html");

        var grant = AuthorizationCode.signIn(flow.get("authorizationUrl").asString(), clientId.group(1), redirectUri,
                "alice@example.com", "alice-demo");
        var tokenUrl = URI.create(flow.get("tokenUrl").asString());
        var preflight = http.send(HttpRequest.newBuilder(tokenUrl).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", portal).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-requested-with").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(portal);
        var tokens = http.send(HttpRequest.newBuilder(tokenUrl).header("Origin", portal)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(grant.tokenRequest() + "&client_id=" + clientId.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        assertThat(tokens.headers().firstValue("Access-Control-Allow-Origin")).hasValue(portal);

        var keys = http.send(HttpRequest.newBuilder(URI.create(portal + "/api/v1/keys")).header("Authorization",
                "Bearer " + Serialization.unmarshal(tokens.body(), Map.class).get("access_token")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(keys.statusCode()).as(keys.body()).isEqualTo(200);
        assertThat(keys.body()).startsWith("[");
    }

    /** The command the start-up block prints for the REST API, pasted into bash as printed: it answers 200. */
    @Test
    void theCommandTheDemoPrintsGetsATokenAndCallsTheRestApi() throws Exception {
        var printed = app.getBean(LocalDemo.class).announcement(portal).lines().toList();
        var label = printed.stream().filter(line -> line.startsWith(" API token")).findFirst();
        assertThat(label).as("an API token entry in %s", printed).isPresent();
        var command = printed.subList(printed.indexOf(label.get()) + 1, printed.indexOf(label.get()) + 3).stream()
                .map(String::strip).collect(Collectors.joining("\n"));
        assertThat(command).startsWith("TOKEN=$(curl ").contains(issuer + "/oauth2/token", portal + "/api/v1/keys");

        var process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("exit status of %s: %s", command, output).isZero();
        assertThat(output).startsWith("[").endsWith("]");

        // The docs show the same lines, for the default ports.
        var entry = printed.subList(printed.indexOf(label.get()), printed.indexOf(label.get()) + 3).stream()
                .map(line -> line.replace(portal, "http://localhost:8080").replace(issuer, "http://localhost:9000")).toList();
        for (var doc : List.of("docs/local-demo.md", "docs/api-tokens.md", "README.md")) {
            assertThat(dev.nebari.llm.docs.DocumentedCommands.file(doc)).as(doc).contains(entry);
        }
    }

    /** The authorization-code flow with PKCE up to the redirect back, whose code is taken instead of followed. */
    record AuthorizationCode(String code, String redirectUri, String verifier) {

        static AuthorizationCode signIn(String authorizationEndpoint, String clientId, String redirectUri, String username,
                String password) throws Exception {
            var verifier = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.SecureRandom.getInstanceStrong().generateSeed(32));
            var challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            var browser = new Browser();
            var form = browser.get(authorizationEndpoint + "?response_type=code&client_id=" + clientId
                    + "&scope=openid%20profile%20email&state=api-test&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8)
                    + "&code_challenge=" + challenge + "&code_challenge_method=S256");
            var callback = browser.followUntil(browser.form(issuer + "/login", Map.of("username", username,
                    "password", password, "_csrf", hiddenField(form.body(), "_csrf"))), uri -> uri.toString().startsWith(redirectUri));
            var code = Pattern.compile("(?:^|&)code=([^&]+)").matcher(callback.getRawQuery());
            assertThat(code.find()).as("code in %s", callback).isTrue();
            return new AuthorizationCode(code.group(1), redirectUri, verifier);
        }

        String tokenRequest() {
            return "grant_type=authorization_code&code=" + code + "&redirect_uri="
                    + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8) + "&code_verifier=" + verifier;
        }
    }

    private static void awaitDemoReady() {
        await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> app.getBean(LocalDemo.class).readyAfter().isPresent());
    }

    static String hiddenField(String html, String name) {
        var matcher = Pattern.compile("<input[^>]*name=\"" + Pattern.quote(name) + "\"[^>]*value=\"([^\"]*)\"").matcher(html);
        assertThat(matcher.find()).as("hidden field %s in %s", name, html).isTrue();
        return matcher.group(1);
    }


    /**
     * A scripted browser: keeps cookies (and, like Chromium and Firefox, sends Secure cookies to http://localhost,
     * which browsers treat as a secure context; the JDK's cookie manager does not), follows redirects itself and
     * remembers where it went.
     */
    static final class Browser {

        private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private final HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new CookieHandler() {
                    @Override
                    public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
                        return jar.get(secureContext(uri), headers);
                    }

                    @Override
                    public void put(URI uri, Map<String, List<String>> headers) throws IOException {
                        jar.put(uri, headers);
                    }
                })
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        final List<URI> visited = new ArrayList<>();

        private static URI secureContext(URI uri) {
            if (!"localhost".equals(uri.getHost()) || !"http".equals(uri.getScheme())) {
                return uri;
            }
            try {
                return new URI("https", uri.getRawAuthority(), uri.getRawPath(), uri.getRawQuery(), null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        }

        HttpRequest.Builder request(String url) {
            return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        }

        HttpResponse<String> get(String url) throws Exception {
            return follow(request(url).GET().build());
        }

        HttpResponse<String> post(String url, Map<String, String> fields) throws Exception {
            return follow(form(url, fields));
        }

        HttpRequest form(String url, Map<String, String> fields) {
            var body = new LinkedHashMap<>(fields).entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return request(url).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }

        /** Sends the request and follows redirects (as GETs, like a browser after a form post). */
        HttpResponse<String> follow(HttpRequest first) throws Exception {
            var response = http.send(first, HttpResponse.BodyHandlers.ofString());
            visited.add(first.uri());
            for (var hops = 0; response.statusCode() / 100 == 3 && hops < 20; hops++) {
                var next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
                visited.add(next);
                response = http.send(request(next.toString()).GET().build(), HttpResponse.BodyHandlers.ofString());
            }
            return response;
        }

        /** Like {@link #follow}, but stops at the first redirect to a matching address and returns that address. */
        URI followUntil(HttpRequest first, java.util.function.Predicate<URI> stop) throws Exception {
            var response = http.send(first, HttpResponse.BodyHandlers.ofString());
            for (var hops = 0; response.statusCode() / 100 == 3 && hops < 20; hops++) {
                var next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
                if (stop.test(next)) {
                    return next;
                }
                response = http.send(request(next.toString()).GET().build(), HttpResponse.BodyHandlers.ofString());
            }
            throw new AssertionError("no redirect to the expected address; ended at " + response.uri() + ": " + response.body());
        }

        /**
         * Opens the portal, follows its sign-in link to the provider, fills in the provider's form and follows the
         * redirects back; returns the page the portal shows then.
         */
        HttpResponse<String> signIn(String username, String password) throws Exception {
            var portalSignIn = get(portal + "/");
            assertThat(portalSignIn.uri().toString()).isEqualTo(portal + "/login");
            var link = Pattern.compile("href=\"(/oauth2/authorization/[^\"]+)\"").matcher(portalSignIn.body());
            assertThat(link.find()).as("sign-in link in %s", portalSignIn.body()).isTrue();

            var providerForm = get(portal + link.group(1));
            assertThat(providerForm.uri().toString()).isEqualTo(issuer + "/login");
            assertThat(visited).anyMatch(uri -> uri.toString().startsWith(issuer + "/oauth2/authorize?")
                    && uri.getQuery().contains("code_challenge_method=S256"));
            assertThat(providerForm.body()).contains("name=\"username\"", "name=\"password\"", "type=\"submit\"");

            var back = post(issuer + "/login", Map.of("username", username, "password", password,
                    "_csrf", hiddenField(providerForm.body(), "_csrf")));
            assertThat(visited).anyMatch(uri -> uri.toString().startsWith(portal + "/login/oauth2/code/nebari?code="));
            assertThat(back.statusCode()).as("%s: %s", back.uri(), back.body()).isEqualTo(200);
            assertThat(back.uri().getPath()).isEqualTo("/");
            return back;
        }
    }
}
