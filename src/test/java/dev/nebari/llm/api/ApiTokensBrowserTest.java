package dev.nebari.llm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.docs.DocumentedCommands;
import dev.nebari.llm.testing.Browser;
import dev.nebari.llm.testing.KeycloakServer;
import dev.nebari.llm.testing.RunningPortal;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Getting a token for the REST API against a real Keycloak, as docs/api-tokens.md says: Authorize on the OpenAPI
 * page in Chromium (authorization code with PKCE as the public client), then "Try it out"; and the documented curl
 * commands of the device-authorization grant (Chromium confirms the code) and of client credentials, run in bash as
 * written with the test realm's issuer, clients and secret, whose tokens then call the API. Screenshots in
 * {@code target/screenshots/api-*.png}.
 */
@Tag("browser")
@WithKubernetes(upstreamCrds = false)
class ApiTokensBrowserTest {

    static final String DOC = "docs/api-tokens.md";
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DOCUMENTED_ANSWER = Pattern.compile("^#\\s*(\\d{3})\\s+(\\{.*})\\s*$");

    static KeycloakServer keycloak;
    @RegisterExtension
    static final RunningPortal portal = new RunningPortal();

    @BeforeAll
    static void start(TestCluster cluster) {
        keycloak = KeycloakServer.shared();
        cluster.newNamespace("api-tokens");
        portal.startWithKeycloak(cluster, keycloak,
                "--auth.oidc.apiClientId=" + keycloak.apiClientId(),
                "--auth.oidc.authorizedParties=" + keycloak.automationClientId());
    }

    @Test
    void authorizeOnTheOpenApiPageSignsInWithPkceAndTryItOutAnswers200() {
        try (var browser = Browser.open()) {
            var driver = browser.driver();
            browser.visit(portal.url() + "/swagger-ui.html");
            browser.awaitElement(By.cssSelector("button.authorize")).click();
            var signIn = authContainer(browser, "oidc");
            assertThat(signIn.findElement(By.cssSelector("input[id^=client_id]")).getDomProperty("value"))
                    .isEqualTo(keycloak.apiClientId());
            browser.screenshot("api-01-authorize-dialog");

            var page = driver.getWindowHandle();
            signIn.findElement(By.cssSelector("button.authorize")).click();
            await("the sign-in pop-up").atMost(Duration.ofSeconds(10)).until(() -> driver.getWindowHandles().size() == 2);
            driver.switchTo().window(driver.getWindowHandles().stream().filter(h -> !h.equals(page)).findFirst().orElseThrow());
            assertThat(browser.currentUrl()).startsWith(keycloak.issuerUrl() + "/protocol/openid-connect/auth?")
                    .contains("code_challenge_method=S256", "client_id=" + keycloak.apiClientId());
            keycloak.logIn(browser, keycloak.alice());
            // oauth2-redirect.html hands the code to the page and closes the pop-up
            await("the pop-up closing").atMost(Duration.ofSeconds(20)).until(() -> driver.getWindowHandles().size() == 1);
            driver.switchTo().window(page);
            await("signed in").atMost(Duration.ofSeconds(20))
                    .until(() -> authContainer(browser, "oidc").findElements(By.xpath(".//h6[text()='Authorized']")).size() == 1);
            browser.screenshot("api-02-authorized");
            driver.findElement(By.cssSelector("button.btn-done")).click();

            var me = tryItOut(browser, "get", "/api/v1/me");
            assertThat(me.status()).isEqualTo("200");
            assertThat(me.body()).contains("\"username\"", keycloak.alice().username(), "llm-users");
            var keys = tryItOut(browser, "get", "/api/v1/keys");
            assertThat(keys.status()).isEqualTo("200");
            assertThat(keys.body()).startsWith("[");
            browser.screenshot("api-03-try-it-out");
        }
    }

    @Test
    void theDocumentedDeviceGrantGetsATokenOnceTheUserConfirmsInABrowser() throws Exception {
        var env = new HashMap<>(Map.of("ISSUER", keycloak.issuerUrl(), "CLIENT", keycloak.apiClientId()));
        var device = run(block("auth/device"), env);
        assertThat(device.has("verification_uri_complete")).as("%s", device).isTrue();

        try (var browser = Browser.open()) {
            browser.visit(device.get("verification_uri_complete").asString());
            keycloak.logIn(browser, keycloak.alice());
            // Keycloak asks whether the device may act for the user (always, for this grant)
            browser.awaitElement(By.name("accept"));
            browser.screenshot("api-04-device-grant-access");
            browser.driver().findElement(By.name("accept")).click();
            await("Keycloak's confirmation").atMost(Duration.ofSeconds(20))
                    .until(() -> browser.driver().findElements(By.name("accept")).isEmpty());
            browser.screenshot("api-05-device-confirmed");

            env.put("DEVICE_CODE", device.get("device_code").asString());
            var tokenRequest = block("grant-type:device_code");
            // as documented: every interval seconds (asking faster is answered with slow_down)
            var tokens = await("the token, once confirmed").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(device.get("interval").asInt()))
                    .until(() -> run(tokenRequest, env), answer -> answer.has("access_token"));

            env.put("TOKEN", tokens.get("access_token").asString());
            env.put("API", portal.url() + "/api/v1");
            var me = run(block("$API/me"), env);
            assertThat(me.get("username").asString()).isEqualTo(keycloak.alice().username());
        }
    }

    @Test
    void theDocumentedClientCredentialsGetATokenOfTheServiceAccount() throws Exception {
        var tokens = run(block("client_credentials"), Map.of("ISSUER", keycloak.issuerUrl(),
                "SECRET", keycloak.automationClientSecret()));

        var me = run(block("$API/me"), Map.of("TOKEN", tokens.get("access_token").asString(), "API", portal.url() + "/api/v1"));
        assertThat(me.get("username").asString()).isEqualTo("service-account-" + keycloak.automationClientId());
        assertThat(me.get("groups").toString()).contains("llm-users");
    }

    // --- the OpenAPI page ---

    /** The Authorize dialog's section of one security scheme. */
    private static WebElement authContainer(Browser browser, String scheme) {
        return browser.awaitElement(By.xpath("//div[contains(@class,'auth-container')][.//h4[starts-with(normalize-space(.), '"
                + scheme + " ')]]"));
    }

    record Answer(String status, String body) {
    }

    /** Opens an operation, "Try it out", "Execute", and reads the live response's status and body. */
    private static Answer tryItOut(Browser browser, String method, String path) {
        var operation = browser.awaitElement(By.xpath("//div[contains(@class,'opblock-" + method + "')]"
                + "[.//*[contains(@class,'opblock-summary-path') and @data-path='" + path + "']]"));
        operation.findElement(By.cssSelector(".opblock-summary")).click();
        browser.awaitElement(By.xpath("//div[contains(@class,'opblock-" + method + "') and contains(@class,'is-open')]"
                + "[.//*[@data-path='" + path + "']]//button[contains(@class,'try-out__btn')]")).click();
        var open = By.xpath("//div[contains(@class,'opblock-" + method + "') and contains(@class,'is-open')][.//*[@data-path='"
                + path + "']]");
        browser.driver().findElement(open).findElement(By.cssSelector("button.execute")).click();
        var response = ".live-responses-table tbody tr.response ";
        await("the response of " + method + " " + path).atMost(Duration.ofSeconds(20))
                .until(() -> !browser.driver().findElement(open).findElements(By.cssSelector(response + "td.response-col_status")).isEmpty());
        var operationNow = browser.driver().findElement(open);
        browser.driver().executeScript("arguments[0].scrollIntoView()", operationNow.findElement(By.cssSelector(response)));
        return new Answer(operationNow.findElement(By.cssSelector(response + "td.response-col_status")).getText().strip(),
                operationNow.findElement(By.cssSelector(response + "td.response-col_description pre")).getText().strip());
    }

    // --- the documented commands ---

    /** The shell block of the page that contains {@code text}. */
    private static DocumentedCommands.Block block(String text) {
        var matching = DocumentedCommands.blocks(DOC, DocumentedCommands.SHELL).stream()
                .filter(b -> b.text().contains(text)).toList();
        assertThat(matching).as("a block of %s with %s", DOC, text).hasSize(1);
        return matching.getFirst();
    }

    /**
     * Runs a documented block in bash as written, except its {@code export} lines, whose variables the test sets to
     * its own values (the real issuer, the test realm's secret, the token it got); every field of the answer the
     * block documents ({@code # 200 {...}}) must be in the real answer, which is returned.
     */
    private static JsonNode run(DocumentedCommands.Block block, Map<String, String> env) throws IOException, InterruptedException {
        var lines = block.logicalLines();
        var exported = lines.stream().filter(line -> line.strip().startsWith("export "))
                .flatMap(line -> DocumentedCommands.assignments(line).keySet().stream()).toList();
        assertThat(env).as("what %s exports", block).containsKeys(exported.toArray(String[]::new));
        var script = lines.stream().filter(line -> !line.strip().startsWith("export ")).collect(Collectors.joining("\n"));
        var process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        process.environment().putAll(env);
        var started = process.start();
        var output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(started.waitFor()).as("%s exits with 0: %s", block, output).isZero();
        var answer = JSON.readTree(output);
        if (answer.has("error")) {
            return answer;
        }
        for (var line : lines) {
            var documented = DOCUMENTED_ANSWER.matcher(line.strip());
            if (documented.matches()) {
                assertThat(List.copyOf(answer.propertyNames())).as("the answer of %s: %s", block, output)
                        .containsAll(JSON.readTree(documented.group(2)).propertyNames());
            }
        }
        return answer;
    }
}
