package dev.nebari.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The browser tier's parts work together: the real Keycloak with the test realm hands out the tokens the pack
 * expects (issuer, audience, a groups claim of full paths, e-mail usernames, non-ASCII intact), and headless
 * Chromium logs in through Keycloak's own login page with the portal client's authorization code flow and PKCE.
 */
@Tag("browser")
class KeycloakHarnessTest {

    private static KeycloakServer keycloak;
    private static HttpServer callback;

    @BeforeAll
    static void startKeycloakAndCallback() throws IOException {
        keycloak = KeycloakServer.shared();
        // Stands in for the portal's redirect endpoint, so the browser ends on a page of ours.
        callback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        callback.createContext("/login/oauth2/code/nebari", exchange -> {
            var body = "<html><head><title>callback</title></head><body><h1>Back at the portal</h1><p>"
                    + exchange.getRequestURI().getRawQuery() + "</p></body></html>";
            var bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        callback.start();
    }

    @AfterAll
    static void stopCallback() {
        if (callback != null) {
            callback.stop(0);
        }
    }

    @Test
    void discoveryDocumentNamesTheLoopbackIssuer() {
        var discovery = keycloak.discoveryDocument();

        assertThat(keycloak.issuerUrl()).matches("http://127\\.0\\.0\\.1:\\d+/realms/nebari-test");
        assertThat(discovery.get("issuer").asString()).isEqualTo(keycloak.issuerUrl());
        assertThat(discovery.get("jwks_uri").asString()).startsWith(keycloak.issuerUrl());
        assertThat(discovery.get("code_challenge_methods_supported").valueStream().map(n -> n.asString()))
                .contains("S256");
    }

    @Test
    void aliceTokensCarryHerGroupsAsFullPathsAndHerEmailAsUsername() throws Exception {
        var alice = keycloak.alice();
        var tokens = keycloak.passwordGrant(alice);

        var access = tokens.accessTokenClaims();
        assertThat(access.getIssuer()).isEqualTo(keycloak.issuerUrl());
        assertThat(access.getAudience()).contains("nebari-portal");
        assertThat(access.getStringClaim("preferred_username")).isEqualTo("alice@example.com");
        assertThat(access.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(access.getStringListClaim("groups")).containsExactly("/llm-users");
        assertThat(tokens.idTokenClaims().getStringListClaim("groups")).containsExactly("/llm-users");
        assertThat(keycloak.userInfo(tokens.accessToken()).get("groups").valueStream().map(n -> n.asString()))
                .containsExactly("/llm-users");
    }

    @Test
    void nestedGroupsAppearWithTheirWholePath() throws Exception {
        var access = keycloak.passwordGrant(keycloak.jurgen()).accessTokenClaims();

        assertThat(access.getStringListClaim("groups")).containsExactlyInAnyOrder("/data-science", "/data-science/nlp");
    }

    @Test
    void nonAsciiUsernameComesBackIntact() throws Exception {
        var jurgen = keycloak.jurgen();
        var access = keycloak.passwordGrant(jurgen).accessTokenClaims();

        assertThat(jurgen.username()).isEqualTo("jürgen.müller@example.com");
        assertThat(access.getStringClaim("preferred_username")).isEqualTo("jürgen.müller@example.com");
        assertThat(access.getStringClaim("name")).isEqualTo("Jürgen Müller");
    }

    @Test
    void adminIsInAdminAndLlmUsers() throws Exception {
        var access = keycloak.passwordGrant(keycloak.admin()).accessTokenClaims();

        assertThat(access.getStringListClaim("groups")).containsExactlyInAnyOrder("/admin", "/llm-users");
    }

    @Test
    void userWithoutGroupsGetsNoGroupsClaim() {
        var access = keycloak.passwordGrant(keycloak.bob()).accessTokenClaims();

        assertThat(access.getClaims()).doesNotContainKey("groups");
    }

    @Test
    void portalClientRequiresPkce() throws Exception {
        var redirectUri = callbackUri();
        var withoutChallenge = keycloak.issuerUrl() + "/protocol/openid-connect/auth?" + query(Map.of(
                "client_id", keycloak.clientId(), "response_type", "code", "scope", "openid",
                "redirect_uri", redirectUri, "state", "s1"));

        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(withoutChallenge)).build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                .startsWith(redirectUri).contains("error=invalid_request"));
    }

    @Test
    void portalClientRejectsRedirectsOffLoopback() throws Exception {
        var elsewhere = keycloak.issuerUrl() + "/protocol/openid-connect/auth?" + query(Map.of(
                "client_id", keycloak.clientId(), "response_type", "code", "scope", "openid",
                "redirect_uri", "http://portal.example/login/oauth2/code/nebari",
                "code_challenge", challenge("x".repeat(43)), "code_challenge_method", "S256"));

        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(elsewhere)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Invalid parameter: redirect_uri");
    }

    @Test
    void browserLogsInThroughKeycloaksLoginPageWithPkce() throws Exception {
        var redirectUri = callbackUri();
        var verifier = randomUrlSafe(32);
        var state = randomUrlSafe(16);
        var authorization = keycloak.issuerUrl() + "/protocol/openid-connect/auth?" + query(Map.of(
                "client_id", keycloak.clientId(), "response_type", "code", "scope", "openid",
                "redirect_uri", redirectUri, "state", state, "nonce", randomUrlSafe(16),
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));

        try (var browser = Browser.open()) {
            browser.visit(authorization);
            var loginPage = browser.screenshot("keycloak-harness/01-login-page");
            keycloak.logIn(browser, keycloak.alice());
            await("the redirect back to " + redirectUri)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> browser.currentUrl().startsWith(redirectUri));
            var backAtPortal = browser.screenshot("keycloak-harness/02-back-at-portal");

            var parameters = parameters(URI.create(browser.currentUrl()).getRawQuery());
            assertThat(parameters).containsEntry("state", state).containsKey("code");
            assertThat(Files.size(loginPage)).isPositive();
            assertThat(Files.size(backAtPortal)).isPositive();

            var tokens = keycloak.authorizationCodeGrant(parameters.get("code"), redirectUri, verifier);
            assertThat(tokens.idTokenClaims().getStringClaim("preferred_username")).isEqualTo("alice@example.com");
            assertThat(tokens.idTokenClaims().getStringListClaim("groups")).containsExactly("/llm-users");
        }
    }

    private static String callbackUri() {
        return "http://127.0.0.1:" + callback.getAddress().getPort() + "/login/oauth2/code/nebari";
    }

    private static String query(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> parameters(String rawQuery) {
        var parameters = new LinkedHashMap<String, String>();
        for (var pair : rawQuery.split("&")) {
            var equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static String randomUrlSafe(int bytes) {
        var random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String challenge(String verifier) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
