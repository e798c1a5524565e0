package dev.nebari.llm.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The issuer as an admin may type it: with a trailing slash it works (the provider's own spelling is used), and a
 * URL that reaches the provider but is not its issuer is reported with what to set — in readiness, on the sign-in
 * page and as problem+json from the REST API — instead of 500s and a sign-in page blaming the network.
 */
@WithKubernetes(upstreamCrds = false)
class IssuerSpellingTest {

    static FakeOidcIssuer issuer;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startIssuer() {
        issuer = FakeOidcIssuer.start();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    @Test
    void aTrailingSlashIsTheSameIssuer(TestCluster cluster) throws Exception {
        try (var app = portal(cluster, issuer.issuer() + "/")) {
            var me = get(app, "server", "/api/v1/me", issuer.token("alice-sub", c -> c));
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);

            var signIn = get(app, "server", "/oauth2/authorization/nebari", null);
            assertThat(signIn.statusCode()).isEqualTo(302);
            assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(
                    location -> assertThat(location).startsWith(issuer.issuer() + "/protocol/openid-connect/auth?"));
            assertThat(get(app, "management", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anIssuerThatIsNotTheProvidersNameSaysWhatToSet(TestCluster cluster) throws Exception {
        try (var app = portal(cluster, issuer.aliasIssuer())) {
            var whatToSet = "set auth.oidc.issuerURL to " + issuer.issuer();

            var me = get(app, "server", "/api/v1/me", issuer.token("alice-sub", c -> c));
            assertThat(me.statusCode()).isEqualTo(503);
            assertThat(me.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(me.body()).contains("identity-provider-unavailable").contains(whatToSet);

            var login = get(app, "server", "/login", null);
            assertThat(login.body()).contains(whatToSet).doesNotContain("cannot be reached");

            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var readiness = get(app, "management", "/actuator/health/readiness", null);
                assertThat(readiness.statusCode()).isEqualTo(503);
            });
            assertThat(app.getBean("oidcIssuerHealthIndicator", org.springframework.boot.health.contributor.HealthIndicator.class)
                    .health().getDetails().get("problem")).asString().contains(whatToSet);
        }
    }

    private static ConfigurableApplicationContext portal(TestCluster cluster, String issuerUrl) {
        return TestApplication.startPortal(cluster, issuerUrl);
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String port, String path, String token)
            throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.getEnvironment().getProperty("local." + port + ".port") + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
