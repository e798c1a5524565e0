package dev.nebari.llm.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.GroupsCheck;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.OffsetClock;
import dev.nebari.llm.testing.RunningPortal;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.OidcLoginRequestPostProcessor;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The portal's pages in the running application (portal profile) against the real API server: what each user
 * sees, the authorization matrix, CSRF, the security headers, the key shown once, admin bulk revocation, and the
 * revocation at sign-in. Sign-ins are simulated here (Spring Security's test support puts a verified OIDC user in
 * the session); the browser test does the real login against Keycloak.
 */
@WithKubernetes(upstreamCrds = false)
class PortalPagesTest {

    static FakeOidcIssuer issuer;
    @RegisterExtension
    static final RunningPortal portal = new RunningPortal();
    static MockMvc web;
    static String namespace;
    /** Real time, except while a test mints a key in the past (one about to expire). */
    static final OffsetClock clock = new OffsetClock();

    @BeforeAll
    static void startTheApplication(TestCluster cluster) {
        namespace = cluster.newNamespace("portal-pages");
        issuer = FakeOidcIssuer.start();
        portal.start(cluster, RunningPortal.teamOpenAndOtherModels(namespace), issuer.issuer(),
                context -> context.getBeanFactory().registerSingleton("clock", clock),
                "--portal.login.clientId=nebari-portal",
                "--portal.login.clientSecret=not-a-real-secret",
                "--keys.maxPerUserPerModel=3");
        web = MockMvcBuilders.webAppContextSetup((WebApplicationContext) portal.app())
                .apply(SecurityMockMvcConfigurers.springSecurity())
                .alwaysDo(PortalPagesTest::messagesAreSentences).build();
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    // --- signing in ---

    @Test
    void anonymousVisitorsAreSentToTheSignInPage() throws Exception {
        var home = web.perform(get("/")).andReturn().getResponse();
        assertThat(home.getStatus()).isEqualTo(302);
        assertThat(home.getRedirectedUrl()).endsWith("/login");

        var login = web.perform(get("/login")).andReturn().getResponse();
        assertThat(login.getStatus()).isEqualTo(200);
        assertThat(login.getContentAsString()).contains("href=\"/oauth2/authorization/nebari\"").contains("Sign in");
    }

    @Test
    void signInStartsAnAuthorizationCodeFlowWithPkce() throws Exception {
        var start = web.perform(get("/oauth2/authorization/nebari")).andReturn().getResponse();
        assertThat(start.getStatus()).isEqualTo(302);
        assertThat(start.getRedirectedUrl())
                .startsWith(issuer.issuer() + "/protocol/openid-connect/auth?")
                .contains("response_type=code", "client_id=nebari-portal", "scope=openid%20profile%20email",
                        "code_challenge_method=S256", "code_challenge=", "state=", "nonce=")
                .contains("redirect_uri=http://localhost/login/oauth2/code/nebari");
    }

    @Test
    void sessionIdsTravelOnlyInTheCookieNeverInALink() throws Exception {
        // A real servlet container (MockMvc never rewrites URLs), a visitor without a cookie as on a first visit.
        var http = HttpClient.newHttpClient();
        var base = "http://127.0.0.1:" + portal.port();
        var home = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        var signIn = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/authorization/nebari")).build(),
                HttpResponse.BodyHandlers.ofString());
        var login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        // a form posted without a session (and so without a CSRF token) is refused by an error page that was
        // rendered after the session was created: its links were where the id showed
        var refusedForm = http.send(HttpRequest.newBuilder(URI.create(base + "/keys")).header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(
                cookie -> assertThat(cookie).startsWith("NEBARI_PORTAL_SESSION="));
        assertThat(refusedForm.statusCode()).isEqualTo(403);
        assertThat(refusedForm.body()).contains("<html");
        for (var response : List.of(home, signIn, login, refusedForm)) {
            assertThat(response.headers().firstValue("Location").orElse("")).doesNotContainIgnoringCase("session");
            assertThat(response.body()).doesNotContain("NEBARI_PORTAL_SESSION").doesNotContainIgnoringCase("jsessionid");
        }
    }

    @Test
    void pagesCarryTheSecurityHeaders() throws Exception {
        for (var response : List.of(web.perform(get("/login")).andReturn().getResponse(),
                web.perform(get("/").with(alice())).andReturn().getResponse())) {
            assertThat(response.getHeader("Content-Security-Policy"))
                    .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'",
                            "form-action 'self' " + ContentSecurityPolicy.origin(issuer.issuer()));
            assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
            assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.getHeader("Referrer-Policy")).isEqualTo("same-origin");
        }
    }

    // --- what users see ---

    @Test
    void myModelsListsOnlyPermittedModelsWithTheirIdsAndSnippets() throws Exception {
        var page = web.perform(get("/").with(alice())).andReturn().getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        var html = page.getContentAsString();
        assertThat(html).contains("team-model", "open-model", "Qwen/Qwen3-0.6B", "Signed in as", "alice@example.com")
                .doesNotContain("other-model")
                // Not an admin: no admin navigation.
                .doesNotContain("/admin/keys");
    }

    /** A model's LoRA adapters under its card: their ids and, once the model has an endpoint, a snippet for each. */
    @Test
    void myModelsShowsAModelsAdaptersWithSnippetsUsingTheAdapterId() throws Exception {
        var client = portal.app().getBean(io.fabric8.kubernetes.client.KubernetesClient.class);
        var created = client.resource(dev.nebari.llm.model.ModelFixtures.model(namespace, "lora-model", "org/lora-base",
                "access: {public: true}\nadapters: [{name: org/lora-sql, repo: acme/sql-lora}]")).create();
        created.setStatus(new dev.nebari.llm.model.LLMModelStatus(dev.nebari.llm.model.Phase.Ready, List.of(), 1L, null,
                new dev.nebari.llm.model.EndpointsStatus("https://llm.nebari.example.com/v1", "", "org/lora-base"), null, null));
        client.resource(created).updateStatus();

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            var html = web.perform(get("/").with(alice())).andReturn().getResponse().getContentAsString();
            assertThat(html).contains("LoRA adapters", "id=\"adapter-id-" + namespace + "-lora-model-0\">org/lora-sql</code>")
                    .contains("Call adapter <code>org/lora-sql</code>")
                    .contains("{&quot;model&quot;: &quot;org/lora-sql&quot;");
        });
    }

    /** The page that shows a new key says which aliases and adapter ids it also works for. */
    @Test
    void aKeyForAModelWithAdaptersSaysItWorksForThemToo() throws Exception {
        var client = portal.app().getBean(io.fabric8.kubernetes.client.KubernetesClient.class);
        client.resource(dev.nebari.llm.model.ModelFixtures.model(namespace, "lora-key-model", "org/lora-key-base",
                java.util.List.of("storage: {size: 10Gi}", "aliases: [lora-key-chat]"),
                "access: {public: true}\nadapters: [{name: org/lora-key-sql}, {name: org/lora-key-legal}]")).create();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> web.perform(get("/keys/new").with(alice()))
                .andReturn().getResponse().getContentAsString().contains(namespace + "/lora-key-model"));

        var created = mintThroughTheForm(post("/keys").with(alice()).with(csrf())
                .param("model", namespace + "/lora-key-model").param("description", "adapters").param("lifetime", "30d"));

        assertThat(created.getStatus()).isEqualTo(200);
        assertThat(created.getContentAsString()).contains("Also for its LoRA adapters",
                "<code>org/lora-key-sql</code>, <code>org/lora-key-legal</code>", "Also for its aliases", "<code>lora-key-chat</code>");
    }

    /** Where the sign-in that follows a form sent from {@code referer} after the session ended returns to. */
    private String pageAfterSigningInAgain(String referer) throws Exception {
        var session = web.perform(post("/keys").with(alice()).param("model", namespace + "/open-model")
                .header("Referer", referer).with(request -> {
                    request.setRequestedSessionId("ended-long-ago");
                    request.setRequestedSessionIdValid(false);
                    return request;
                })).andReturn().getRequest().getSession();
        return ((org.springframework.security.web.savedrequest.SavedRequest) session.getAttribute("SPRING_SECURITY_SAVED_REQUEST"))
                .getRedirectUrl();
    }

    /** A form sent after the session ended: sign in again, told why — not "for administrators". */
    @Test
    void aFormSentAfterTheSessionEndedLeadsToSignInAgain() throws Exception {
        var before = keysOf("alice-sub").size();
        var late = web.perform(post("/keys").with(alice()).param("model", namespace + "/open-model")
                .with(request -> {
                    request.setRequestedSessionId("ended-long-ago");
                    request.setRequestedSessionIdValid(false);
                    return request;
                })).andReturn().getResponse();
        assertThat(late.getRedirectedUrl()).isEqualTo("/login?expired");
        assertThat(keysOf("alice-sub")).hasSize(before);
        // after signing in again, back to the page the form was on (not the form's target, never another host)
        assertThat(pageAfterSigningInAgain("http://localhost/keys/new?model=x")).isEqualTo("/keys/new?model=x");
        assertThat(pageAfterSigningInAgain("https://evil.example.com/keys/new")).isEqualTo("/keys");

        // without a session that ended, a missing token stays a plain refusal
        var forged = web.perform(post("/keys").with(alice()).param("model", namespace + "/open-model")).andReturn().getResponse();
        assertThat(forged.getStatus()).isEqualTo(403);
    }

    /** The per-model cap is shown before it is hit, with what the user holds; hour lifetimes are offered too. */
    @Test
    void theFormShowsTheKeyLimitAndOffersHours() throws Exception {
        var frank = signedIn("frank-sub", "frank@example.com", false);
        mint(frank, "open-model");
        var form = web.perform(get("/keys/new").with(frank)).andReturn().getResponse().getContentAsString();
        assertThat(form).contains("You may hold up to <span>3</span> keys per model")
                .contains(namespace + "/open-model (Qwen/Qwen3-0.6B) · 1 of 3 keys")
                .contains("value=\"12h\"", "12 hours", "value=\"1h\"");
    }

    /** Every page links its icon; /favicon.ico, which browsers ask for anyway, leads there without a sign-in. */
    @Test
    void theFaviconIsServedToEveryoneInsteadOf403() throws Exception {
        assertThat(web.perform(get("/login")).andReturn().getResponse().getContentAsString())
                .contains("rel=\"icon\"", "/assets/favicon.svg");
        var ico = web.perform(get("/favicon.ico")).andReturn().getResponse();
        assertThat(ico.getRedirectedUrl()).isEqualTo("/assets/favicon.svg");
        var svg = web.perform(get("/assets/favicon.svg")).andReturn().getResponse();
        assertThat(svg.getStatus()).isEqualTo(200);
        assertThat(svg.getContentType()).startsWith("image/svg+xml");
    }

    @Test
    void aKeyIsShownOnceAndNeverAgain() throws Exception {
        var before = keysOf("alice-sub").size();
        var created = mintThroughTheForm(post("/keys").with(alice()).with(csrf())
                .param("model", namespace + "/team-model").param("description", "laptop notebooks").param("lifetime", "30d"));
        assertThat(created.getStatus()).isEqualTo(200);
        assertThat(created.getHeader("Cache-Control")).isEqualTo("no-store");
        var value = keyValueIn(created.getContentAsString());
        assertThat(created.getContentAsString()).contains("will not be shown again");

        // a reload of the page that showed it (post/redirect/get): no second key, and the value is gone
        var reload = web.perform(get("/keys/created").with(alice())).andReturn().getResponse();
        assertThat(reload.getRedirectedUrl()).isEqualTo("/keys");
        assertThat(reload.getContentAsString()).doesNotContain(value);
        assertThat(keysOf("alice-sub")).hasSize(before + 1);

        var keys = web.perform(get("/keys").with(alice())).andReturn().getResponse().getContentAsString();
        assertThat(keys).contains("laptop notebooks", "…" + value.substring(value.length() - 4)).doesNotContain(value);
        for (var path : List.of("/", "/keys/new")) {
            assertThat(web.perform(get(path).with(alice())).andReturn().getResponse().getContentAsString()).doesNotContain(value);
        }
    }

    /** Posts the mint form and follows its redirect to the page that shows the key, as a browser does. */
    org.springframework.mock.web.MockHttpServletResponse mintThroughTheForm(
            org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder form) throws Exception {
        return mintThroughTheForm(alice(), form);
    }

    org.springframework.mock.web.MockHttpServletResponse mintThroughTheForm(OidcLoginRequestPostProcessor user,
            org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder form) throws Exception {
        var posted = web.perform(form).andReturn();
        assertThat(posted.getResponse().getStatus()).as(posted.getResponse().getContentAsString()).isEqualTo(302);
        assertThat(posted.getResponse().getRedirectedUrl()).isEqualTo("/keys/created");
        assertThat(posted.getResponse().getContentAsString()).as("nothing of the key in the redirect").isEmpty();
        return web.perform(get("/keys/created").with(user).flashAttrs(posted.getFlashMap())).andReturn().getResponse();
    }

    @Test
    void theMetricsNeverCarryAKey() throws Exception {
        var created = mintThroughTheForm(post("/keys").with(alice()).with(csrf()).param("model", namespace + "/open-model"));
        var value = keyValueIn(created.getContentAsString());
        var metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + portal.app().getEnvironment().getProperty("local.management.port") + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("nebari_").doesNotContain(value).doesNotContain(value.substring(3));
        assertThat(metrics.body()).containsPattern("(?m)^nebari_keys_unreadable 0(\\.0)?$");
        // requests are timed as a whole, not filter by filter (WebSecurityDefaults)
        assertThat(metrics.body()).contains("http_server_requests_seconds").doesNotContain("spring_security_");
    }

    /** Usage needs a Prometheus (docs/usage.md); without one the pages say so instead of showing zeros. */
    @Test
    void usagePagesSayWhenUsageIsNotConfiguredAndTheAdminsOnesAreForAdminsOnly() throws Exception {
        var mine = web.perform(get("/usage").with(alice())).andReturn().getResponse();
        assertThat(mine.getStatus()).isEqualTo(200);
        assertThat(mine.getContentAsString()).contains("<h1>My usage</h1>").contains("Usage is not configured")
                .doesNotContain("usage-per-key");
        assertThat(web.perform(get("/admin/usage").with(alice())).andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(web.perform(get("/admin/usage.csv").with(alice())).andReturn().getResponse().getStatus()).isEqualTo(403);
        var all = web.perform(get("/admin/usage").param("by", "user").with(admin())).andReturn().getResponse();
        assertThat(all.getStatus()).isEqualTo(200);
        assertThat(all.getContentAsString()).contains("Usage is not configured");
        var csv = web.perform(get("/admin/usage.csv").with(admin())).andReturn().getResponse();
        assertThat(csv.getStatus()).as("no CSV of zeros").isEqualTo(503);
    }

    @Test
    void formsWithoutACsrfTokenAreRejected() throws Exception {
        var before = keysOf("alice-sub").size();
        var response = web.perform(post("/keys").with(alice())
                .param("model", namespace + "/open-model").param("description", "no token")).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(keysOf("alice-sub")).hasSize(before);
    }

    /** A model outside the user's groups is told exactly like one that does not exist: its existence is not theirs to learn. */
    @Test
    void aModelOutsideTheUsersGroupsLooksExactlyLikeOneThatDoesNotExist() throws Exception {
        var before = keysOf("alice-sub").size();
        var hidden = web.perform(post("/keys").with(alice()).with(csrf())
                .param("model", namespace + "/other-model").param("description", "sneaky")).andReturn().getResponse();
        var missing = web.perform(post("/keys").with(alice()).with(csrf())
                .param("model", namespace + "/no-such-model").param("description", "sneaky")).andReturn().getResponse();

        assertThat(hidden.getStatus()).isEqualTo(404).isEqualTo(missing.getStatus());
        assertThat(errorIn(hidden.getContentAsString()).replace("other-model", "X"))
                .isEqualTo(errorIn(missing.getContentAsString()).replace("no-such-model", "X"))
                .contains("is not available to you");
        assertThat(hidden.getContentAsString()).doesNotContain("you may not use").doesNotContain("sk-");
        assertThat(keysOf("alice-sub")).hasSize(before);
    }

    static String errorIn(String html) {
        var matcher = Pattern.compile("<p class=\"error\" role=\"alert\">([^<]*)</p>").matcher(html);
        assertThat(matcher.find()).as("an error on the page").isTrue();
        return matcher.group(1);
    }

    @Test
    void aLinkToAModelTheUserMayNotUsePreselectsNothingAndSaysSo() throws Exception {
        for (var asked : List.of(namespace + "/other-model", "nowhere/no-such-model")) {
            var form = web.perform(get("/keys/new").param("model", asked).with(alice())).andReturn().getResponse()
                    .getContentAsString();
            assertThat(form).contains("The model " + asked + " is not available to you");
            // the user has to pick a model themselves: the only preselected option is the empty one
            assertThat(form).contains("<option value=\"\" selected disabled>Choose a model</option>")
                    .doesNotContainPattern("<option value=\"" + namespace + "/[^\"]+\" selected");
        }
        var usable = web.perform(get("/keys/new").param("model", namespace + "/open-model").with(alice()))
                .andReturn().getResponse().getContentAsString();
        assertThat(usable).doesNotContain("is not available to you")
                .contains("<option value=\"" + namespace + "/open-model\" selected=\"selected\"");
    }

    @Test
    void aBadLifetimeIsExplainedOnTheForm() throws Exception {
        var response = web.perform(post("/keys").with(alice()).with(csrf())
                .param("model", namespace + "/open-model").param("lifetime", "5y")).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentAsString()).contains("A lifetime is a number of days or hours").contains("<form");
    }

    @Test
    void aUserCannotRevokeSomeoneElsesKeyButCanRevokeTheirOwn() throws Exception {
        var clientId = mint(alice(), "open-model");

        var byBob = web.perform(post("/keys/" + clientId + "/revoke").with(bob()).with(csrf())).andReturn().getResponse();
        assertThat(byBob.getStatus()).isEqualTo(404);
        assertThat(keysOf("alice-sub")).anyMatch(k -> k.equals(clientId));
        assertThat(web.perform(get("/keys").with(bob())).andReturn().getResponse().getContentAsString()).doesNotContain(clientId);

        // "Revoke…" asks first, naming the key as "My keys" does; asking about someone else's key is a 404 too
        assertThat(web.perform(get("/keys").with(alice())).andReturn().getResponse().getContentAsString())
                .contains("href=\"/keys/" + clientId + "/revoke\"");
        var confirm = web.perform(get("/keys/" + clientId + "/revoke").with(alice())).andReturn().getResponse();
        assertThat(confirm.getStatus()).isEqualTo(200);
        assertThat(confirm.getContentAsString()).contains("Revoke this key?", clientId, "<form", "/keys/" + clientId + "/revoke");
        assertThat(keysOf("alice-sub")).as("asking revokes nothing").contains(clientId);
        assertThat(web.perform(get("/keys/" + clientId + "/revoke").with(bob())).andReturn().getResponse().getStatus()).isEqualTo(404);

        var byAlice = web.perform(post("/keys/" + clientId + "/revoke").with(alice()).with(csrf())).andReturn();
        assertThat(byAlice.getResponse().getStatus()).isEqualTo(302);
        assertThat(byAlice.getResponse().getRedirectedUrl()).isEqualTo("/keys");
        assertThat(byAlice.getFlashMap().get("notice")).asString().contains("(no description)", "…", clientId, "was revoked");
        assertThat(keysOf("alice-sub")).doesNotContain(clientId);
    }

    // --- keys about to expire ---

    /** The first page after sign-in names each key that expires within a week, with a button that replaces it. */
    @Test
    void keysAboutToExpireAreListedOnTheFirstPageWithAReplaceButton() throws Exception {
        var ivy = signedIn("ivy-sub", "ivy@example.com", false);
        var old = mintDaysAgo(ivy, 25, "open-model", "nightly job", "30d");
        var fresh = mint(ivy, "open-model");
        var oldHint = hintOf(old);

        for (var path : List.of("/", "/keys")) {
            var html = web.perform(get(path).with(ivy)).andReturn().getResponse().getContentAsString();
            var reminder = reminderIn(html);
            assertThat(reminder).as(path).contains("1 key expires soon", "nightly job", "…" + oldHint,
                    namespace + "/open-model", "action=\"/keys/" + old + "/replace\"", ">Replace<")
                    .doesNotContain("/keys/" + fresh + "/replace");
        }
        var noneExpiring = web.perform(get("/").with(bob())).andReturn().getResponse().getContentAsString();
        assertThat(noneExpiring).doesNotContain("expires soon", "expire soon");
    }

    /**
     * Replace mints a key like the old one (description, model, lifetime length) and shows it once; the old key is
     * revoked only when the user says they copied the new one, and until then it is still in the reminder.
     */
    @Test
    void replacingAKeyShowsTheNewOneOnceAndRevokesTheOldOnlyWhenTheUserConfirms() throws Exception {
        var kira = signedIn("kira-sub", "kira@example.com", false);
        var old = mintDaysAgo(kira, 26, "open-model", "ci pipeline", "30d");

        var replaced = web.perform(post("/keys/" + old + "/replace").with(kira).with(csrf())).andReturn();
        assertThat(replaced.getResponse().getRedirectedUrl()).isEqualTo("/keys/created");
        var shown = web.perform(get("/keys/created").with(kira).flashAttrs(replaced.getFlashMap())).andReturn().getResponse();
        assertThat(shown.getHeader("Cache-Control")).isEqualTo("no-store");
        var html = shown.getContentAsString();
        var value = keyValueIn(html);
        assertThat(html).contains("will not be shown again", "The old key still works", "ci pipeline", "…" + hintOf(old),
                "action=\"/keys/" + old + "/revoke\"", "I have copied the new key — revoke the old one", "name=\"_csrf\"");

        var keys = portal.bean(ApiKeys.class);
        var successor = keys.list(KeyQuery.ownedBy("kira-sub")).stream()
                .filter(k -> value.endsWith(k.metadata().displayHint()) && !k.clientId().value().equals(old)).findFirst().orElseThrow();
        assertThat(successor.metadata().description()).isEqualTo("ci pipeline");
        assertThat(successor.model()).hasToString(namespace + "/open-model");
        assertThat(successor.metadata().lifetime()).hasValue(java.time.Duration.ofDays(30));
        // the user left without confirming: the old key still works, and is still the one the reminder names
        assertThat(keysOf("kira-sub")).contains(old, successor.clientId().value());
        var reminder = reminderIn(web.perform(get("/").with(kira)).andReturn().getResponse().getContentAsString());
        assertThat(reminder).contains("1 key expires soon", "/keys/" + old + "/replace")
                .doesNotContain(successor.clientId().value());

        var confirmed = web.perform(post("/keys/" + old + "/revoke").with(kira).with(csrf())).andReturn();
        assertThat(confirmed.getResponse().getRedirectedUrl()).isEqualTo("/keys");
        assertThat(confirmed.getFlashMap().get("notice")).asString().contains("ci pipeline", old, "was revoked");
        assertThat(keysOf("kira-sub")).containsExactly(successor.clientId().value());
        assertThat(web.perform(get("/").with(kira)).andReturn().getResponse().getContentAsString())
                .doesNotContain("expires soon");
    }

    /** At the per-model cap nothing is minted: the user is told so and offered to revoke the old key first. */
    @Test
    void replacingAtTheKeyCapIsRefusedWithAnOfferToRevokeTheOldKeyFirst() throws Exception {
        var lee = signedIn("lee-sub", "lee@example.com", false);
        var old = mintDaysAgo(lee, 28, "open-model", "demo box", "30d");
        mint(lee, "open-model");
        mint(lee, "open-model");

        var refused = web.perform(post("/keys/" + old + "/replace").with(lee).with(csrf())).andReturn().getResponse();
        assertThat(refused.getStatus()).isEqualTo(409);
        assertThat(refused.getContentAsString()).contains("You already have 3 keys for model " + namespace + "/open-model",
                "Revoke the old key first", "href=\"/keys/" + old + "/revoke?replace=true\"").doesNotContain("sk-");
        assertThat(keysOf("lee-sub")).hasSize(3).contains(old);

        var confirm = web.perform(get("/keys/" + old + "/revoke").param("replace", "true").with(lee)).andReturn().getResponse();
        assertThat(confirm.getContentAsString()).contains("Revoke this key and replace it?", "demo box",
                "name=\"replace\" value=\"true\"", "Revoke it and create the replacement");
        var revokedFirst = web.perform(post("/keys/" + old + "/revoke").param("replace", "true").with(lee).with(csrf())).andReturn();
        assertThat(revokedFirst.getResponse().getRedirectedUrl()).isEqualTo("/keys/created");
        var shown = web.perform(get("/keys/created").with(lee).flashAttrs(revokedFirst.getFlashMap())).andReturn().getResponse()
                .getContentAsString();
        keyValueIn(shown);
        assertThat(shown).contains("which was revoked", "demo box").doesNotContain("The old key still works");
        assertThat(keysOf("lee-sub")).hasSize(3).doesNotContain(old);
    }

    /**
     * Revoking first is done; a replacement the user may no longer have is not, and the user is told both, the model
     * told like one that does not exist as everywhere else.
     */
    @Test
    void aRevokeFirstReplacementThatIsRefusedSaysTheOldKeyIsGoneAndWhy() throws Exception {
        var old = mint(signedIn("mia-sub", "mia@example.com", false, "/llm-users"), "team-model");
        var withoutTheGroup = signedIn("mia-sub", "mia@example.com", false);

        var revoked = web.perform(post("/keys/" + old + "/revoke").param("replace", "true").with(withoutTheGroup).with(csrf()))
                .andReturn();
        assertThat(revoked.getResponse().getRedirectedUrl()).isEqualTo("/keys");
        assertThat(revoked.getFlashMap().get("error")).asString().contains(old, "was revoked, but its replacement could not be created",
                "The model " + namespace + "/team-model is not available to you")
                .asString().doesNotContain("You may not use");
        assertThat(keysOf("mia-sub")).isEmpty();
    }

    @Test
    void onlyTheOwnerReplacesAKeyAndOnlyWithTheFormsToken() throws Exception {
        var old = mint(alice(), "open-model");
        var before = keysOf("alice-sub").size();
        assertThat(web.perform(post("/keys/" + old + "/replace").with(bob()).with(csrf())).andReturn().getResponse()
                .getStatus()).isEqualTo(404);
        assertThat(web.perform(post("/keys/" + old + "/replace").with(alice())).andReturn().getResponse()
                .getStatus()).isEqualTo(403);
        assertThat(keysOf("alice-sub")).hasSize(before);
    }

    // --- admin ---

    @Test
    void onlyAdminsReachTheAdminPages() throws Exception {
        for (var path : List.of("/admin/keys", "/admin/audit")) {
            assertThat(web.perform(get(path).with(alice())).andReturn().getResponse().getStatus()).as(path).isEqualTo(403);
            assertThat(web.perform(get(path).with(admin())).andReturn().getResponse().getStatus()).as(path).isEqualTo(200);
        }
        assertThat(web.perform(post("/admin/keys/revoke").with(alice()).with(csrf()).param("user", "bob@example.com"))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
    }

    @Test
    void adminsPreviewThenRevokeAUsersKeysInBulk() throws Exception {
        var first = mint(carol(), "open-model");
        var second = mint(carol(), "open-model");

        var filtered = web.perform(get("/admin/keys").with(admin()).param("user", "carol@example.com")).andReturn().getResponse();
        assertThat(filtered.getContentAsString()).contains(first, second);

        var preview = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf()).param("user", "carol@example.com"))
                .andReturn().getResponse();
        assertThat(preview.getStatus()).isEqualTo(200);
        assertThat(preview.getContentAsString()).contains("Revoke <span>2</span> <span>keys</span>?", first, second);
        assertThat(keysOf("carol-sub")).contains(first, second);

        var confirmed = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf())
                .param("user", "carol@example.com").param("confirm", "true")).andReturn().getResponse();
        assertThat(confirmed.getStatus()).isEqualTo(302);
        assertThat(keysOf("carol-sub")).isEmpty();

        // a user without keys: said so, and nothing to confirm
        var nobody = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf()).param("user", "nobody@example.com"))
                .andReturn().getResponse().getContentAsString();
        assertThat(nobody).contains("No keys to revoke", "No key belongs to user nobody@example.com")
                .doesNotContain("Revoke <span>0</span>").doesNotContain("name=\"confirm\"");

        var audit = web.perform(get("/admin/audit").with(admin())).andReturn().getResponse().getContentAsString();
        assertThat(audit).contains(first, second, "revoked", "admin@example.com (admin)");
    }

    // --- one name for a key everywhere (issue 14 item 3) ---

    /** Description, hint, client id, created and expires: on the user's pages, the admin's, the notice and the audit. */
    @Test
    void everyPageNamesAKeyTheSameWay() throws Exception {
        var ivan = signedIn("ivan-sub", "ivan@example.com", false);
        var created = mintThroughTheForm(ivan, post("/keys").with(ivan).with(csrf())
                .param("model", namespace + "/open-model").param("description", "ivan notebook").param("lifetime", "30d"));
        var value = keyValueIn(created.getContentAsString());
        var key = portal.bean(ApiKeys.class).list(KeyQuery.ownedBy("ivan-sub")).getFirst();
        var clientId = key.clientId().value();
        var name = List.of("ivan notebook", "…" + value.substring(value.length() - 4), clientId,
                SHOWN.format(key.metadata().created()), SHOWN.format(key.metadata().expires().orElseThrow()));

        assertThat(rowsWith(page("/keys", ivan), clientId)).singleElement().satisfies(row -> assertThat(row).contains(name));
        assertThat(page("/keys/" + clientId + "/revoke", ivan)).contains(name);
        assertThat(rowsWith(page("/admin/keys?user=ivan@example.com", admin()), clientId)).singleElement()
                .satisfies(row -> assertThat(row).contains(name));
        var preview = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf()).param("user", "ivan@example.com"))
                .andReturn().getResponse().getContentAsString();
        assertThat(rowsWith(preview, clientId)).singleElement().satisfies(row -> assertThat(row).contains(name));

        var revoked = web.perform(post("/keys/" + clientId + "/revoke").with(ivan).with(csrf())).andReturn();
        assertThat(revoked.getFlashMap().get("notice")).asString().contains(name);

        var audit = rowsWith(page("/admin/audit?user=ivan@example.com", admin()), clientId);
        assertThat(audit).as("issued and revoked").hasSize(2).allSatisfy(row -> assertThat(row).contains(name));
        assertThat(String.join("", audit)).doesNotContain(value);
    }

    // --- the admin's filters and forms (issue 14 item 5) ---

    @Test
    void theAdminUserFilterFindsUsersByAnyPartOfTheirNameInAnyCase() throws Exception {
        var grace = signedIn("grace-sub", "Grace.Hopper@example.com", false);
        var key = mint(grace, "open-model");
        for (var typed : List.of("grace", "GRACE.HOPPER", "hopper@EXAMPLE", "grace-sub")) {
            var found = page("/admin/keys?user=" + typed, admin());
            assertThat(found).as(typed).contains(key);
            assertThat(tag(found, "filter-user")).as("the filter stays in its field").contains("value=\"" + typed + "\"");
        }
        var none = page("/admin/keys?user=nobody-is-called-this", admin());
        assertThat(none).contains("No keys for users matching “nobody-is-called-this”.").doesNotContain(key);
        var noneOfModel = page("/admin/keys?user=grace&model=" + namespace + "/team-model", admin());
        assertThat(noneOfModel).contains("No keys for users matching “grace” for model " + namespace + "/team-model.");
    }

    @Test
    void aBulkFormErrorAppearsNextToThatFormAndKeepsItsFields() throws Exception {
        var both = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf())
                .param("user", "heidi@example.com").param("model", namespace + "/open-model")).andReturn().getResponse();
        assertThat(both.getStatus()).isEqualTo(400);
        var html = both.getContentAsString();
        var filterPart = html.substring(0, html.indexOf("id=\"bulk-heading\""));
        var bulkPart = html.substring(html.indexOf("id=\"bulk-heading\""));
        assertThat(bulkPart).contains("Name exactly one user or one model");
        assertThat(filterPart).doesNotContain("Name exactly one user or one model");
        assertThat(tag(bulkPart, "bulk-user")).contains("value=\"heidi@example.com\"");
        assertThat(bulkPart).contains("<option value=\"" + namespace + "/open-model\" selected=\"selected\"");

        // a model that is not one of the list's: said next to the form, in words, not on an error page
        var garbled = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf()).param("model", "garbled"))
                .andReturn().getResponse();
        assertThat(garbled.getStatus()).isEqualTo(400);
        var garbledBulk = garbled.getContentAsString().substring(garbled.getContentAsString().indexOf("id=\"bulk-heading\""));
        assertThat(garbledBulk).contains("Choose the model from the list");

        // the same for the filter form: a malformed model is explained next to it, with its fields kept
        var filter = web.perform(get("/admin/keys").with(admin()).param("user", "heidi").param("model", "garbled"))
                .andReturn().getResponse();
        assertThat(filter.getStatus()).isEqualTo(400);
        var filterHtml = filter.getContentAsString();
        assertThat(filterHtml.substring(0, filterHtml.indexOf("id=\"bulk-heading\""))).contains("Choose the model from the list");
        assertThat(tag(filterHtml, "filter-user")).contains("value=\"heidi\"");
    }

    @Test
    void aBulkPreviewThatFindsNobodySuggestsTheUsersWhoseNameMatches() throws Exception {
        var karl = signedIn("karl-sub", "karl.marx@example.com", false);
        mint(karl, "open-model");
        var preview = web.perform(post("/admin/keys/revoke").with(admin()).with(csrf()).param("user", "KARL"))
                .andReturn().getResponse().getContentAsString();
        assertThat(preview).contains("No keys to revoke", "karl.marx@example.com").doesNotContain("name=\"confirm\"");
        assertThat(keysOf("karl-sub")).hasSize(1);
    }

    @Test
    void theAuditSaysSingleOrBulkAndIsFilteredByUserModelActionAndDateInTheUrl() throws Exception {
        var judy = signedIn("judy-sub", "judy@example.com", false);
        var today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        var single = mint(judy, "open-model");
        var first = mint(judy, "open-model");
        var second = mint(judy, "open-model");
        web.perform(post("/admin/keys/" + single + "/revoke").with(admin()).with(csrf())).andReturn();
        web.perform(post("/admin/keys/revoke").with(admin()).with(csrf()).param("user", "judy@example.com")
                .param("confirm", "true")).andReturn();

        var all = page("/admin/audit?user=JUDY", admin());
        assertThat(rowsWith(all, single)).anySatisfy(row -> assertThat(row).contains("revoked", "one key"));
        for (var bulk : List.of(first, second)) {
            assertThat(rowsWith(all, bulk)).anySatisfy(row -> assertThat(row).contains("revoked", "in bulk", "user judy@example.com"));
        }

        var bulkOnly = page("/admin/audit?user=judy&action=revoked-in-bulk", admin());
        assertThat(bulkOnly).contains(first, second).doesNotContain(single);
        assertThat(tag(bulkOnly, "audit-user")).contains("value=\"judy\"");
        assertThat(bulkOnly).contains("<option value=\"revoked-in-bulk\" selected=\"selected\"");

        var issued = page("/admin/audit?user=judy&action=issued", admin());
        assertThat(rowsWith(issued, single)).hasSize(1);
        assertThat(rowsWith(issued, "judy@example.com")).hasSize(3).noneMatch(row -> row.contains("in bulk"));

        assertThat(page("/admin/audit?user=judy&model=" + namespace + "/team-model", admin()))
                .contains("No key activity matches these filters.").doesNotContain(single);
        assertThat(page("/admin/audit?user=judy&from=" + today.plusDays(1), admin())).doesNotContain(single);
        assertThat(page("/admin/audit?user=judy&from=" + today.minusDays(1) + "&to=" + today.plusDays(1), admin()))
                .contains(single, first, second);
        assertThat(page("/admin/audit?user=judy&to=" + today.minusDays(1), admin())).doesNotContain(single);
    }

    // --- renaming (issue 14 item 8) ---

    @Test
    void aUserRenamesTheirKeyOnMyKeys() throws Exception {
        var kim = signedIn("kim-sub", "kim@example.com", false);
        var clientId = mint(kim, "open-model");
        assertThat(rowsWith(page("/keys", kim), clientId)).singleElement().satisfies(row -> assertThat(row)
                .contains("action=\"/keys/" + clientId + "/rename\"", "name=\"description\""));

        var renamed = web.perform(post("/keys/" + clientId + "/rename").with(kim).with(csrf())
                .param("description", "  kim laptop  ")).andReturn();
        assertThat(renamed.getResponse().getRedirectedUrl()).isEqualTo("/keys");
        assertThat(renamed.getFlashMap().get("notice")).asString().contains("“kim laptop”", clientId);
        assertThat(rowsWith(page("/keys", kim), clientId)).singleElement().satisfies(row -> assertThat(row).contains("kim laptop"));

        // someone else's key: as if it did not exist, and unchanged
        var byBob = web.perform(post("/keys/" + clientId + "/rename").with(bob()).with(csrf())
                .param("description", "mine now")).andReturn().getResponse();
        var missing = web.perform(post("/keys/k000000000000000/rename").with(bob()).with(csrf())
                .param("description", "mine now")).andReturn().getResponse();
        assertThat(byBob.getStatus()).isEqualTo(404).isEqualTo(missing.getStatus());
        assertThat(errorIn(byBob.getContentAsString())).isEqualTo(errorIn(missing.getContentAsString()));

        // too long: said next to that key's form, with what was typed kept
        var typed = "x".repeat(201);
        var tooLong = web.perform(post("/keys/" + clientId + "/rename").with(kim).with(csrf()).param("description", typed))
                .andReturn().getResponse();
        assertThat(tooLong.getStatus()).isEqualTo(400);
        assertThat(rowsWith(tooLong.getContentAsString(), clientId)).singleElement()
                .satisfies(row -> assertThat(row).contains("at most 200 characters", "value=\"" + typed + "\""));
        assertThat(portal.bean(ApiKeys.class).list(KeyQuery.ownedBy("kim-sub")).getFirst().metadata().description())
                .isEqualTo("kim laptop");

        assertThat(rowsWith(page("/admin/audit?action=renamed&user=kim", admin()), clientId)).singleElement()
                .satisfies(row -> assertThat(row).contains("renamed", "kim laptop", "kim@example.com"));
    }

    // --- sign-in housekeeping ---

    @Test
    void signingInWithFewerGroupsRevokesTheKeysThoseGroupsGranted() throws Exception {
        var teamKey = mint(dave("/llm-users"), "team-model");
        var openKey = mint(dave("/llm-users"), "open-model");

        var housekeeping = new LoginHousekeeping(portal.bean(CallerResolver.class), portal.bean(GroupsCheck.class));
        var token = new OidcIdToken("id-token", Instant.now(), Instant.now().plusSeconds(300),
                Map.of("sub", "dave-sub", "preferred_username", "dave@example.com", "groups", List.of("other-group")));
        var user = new DefaultOidcUser(List.of(), token);
        housekeeping.onAuthenticationSuccess(new MockHttpServletRequest(), new MockHttpServletResponse(),
                new OAuth2AuthenticationToken(user, user.getAuthorities(), DiscoveredClientRegistration.REGISTRATION_ID));

        assertThat(keysOf("dave-sub")).doesNotContain(teamKey).contains(openKey);
    }

    // --- helpers ---

    @Test
    void aSessionEndsWhenItsIdTokenExpiresAndAFormSentAfterwardsIsNotCarriedOut() throws Exception {
        var before = keysOf("erin-sub").size();
        var expired = oidcLogin().idToken(token -> token.subject("erin-sub").claim("preferred_username", "erin@example.com")
                .claim("groups", List.of("/llm-users")).issuedAt(Instant.now().minusSeconds(600))
                .expiresAt(Instant.now().minusSeconds(1)));

        var page = web.perform(get("/keys").with(expired)).andReturn().getResponse();
        assertThat(page.getStatus()).isEqualTo(302);
        assertThat(page.getRedirectedUrl()).isEqualTo("/oauth2/authorization/nebari");

        var form = web.perform(post("/keys").with(expired).with(csrf()).param("model", namespace + "/open-model"))
                .andReturn().getResponse();
        assertThat(form.getRedirectedUrl()).isEqualTo("/login?expired");
        assertThat(keysOf("erin-sub")).hasSize(before);
        assertThat(web.perform(get("/login").param("expired", "")).andReturn().getResponse().getContentAsString())
                .contains("Your sign-in has expired");
    }

    static OidcLoginRequestPostProcessor alice() {
        return signedIn("alice-sub", "alice@example.com", false, "/llm-users");
    }

    static OidcLoginRequestPostProcessor bob() {
        return signedIn("bob-sub", "bob@example.com", false);
    }

    static OidcLoginRequestPostProcessor carol() {
        return signedIn("carol-sub", "carol@example.com", false);
    }

    static OidcLoginRequestPostProcessor dave(String... groups) {
        return signedIn("dave-sub", "dave@example.com", false, groups);
    }

    static OidcLoginRequestPostProcessor admin() {
        return signedIn("admin-sub", "admin@example.com", true, "/admin");
    }

    static OidcLoginRequestPostProcessor signedIn(String subject, String username, boolean admin, String... groups) {
        var login = oidcLogin().idToken(token -> token.subject(subject)
                .claim("preferred_username", username).claim("groups", List.of(groups)));
        return admin ? login.authorities(new SimpleGrantedAuthority(Caller.ADMIN_AUTHORITY)) : login;
    }

    String mint(OidcLoginRequestPostProcessor user, String model) throws Exception {
        var created = mintThroughTheForm(user, post("/keys").with(user).with(csrf()).param("model", namespace + "/" + model));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(200);
        var matcher = Pattern.compile("<code>(k[0-9a-v]{15})</code>").matcher(created.getContentAsString());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** Mints a key through the form as if {@code days} ago, so that a 30-day key is about to expire now. */
    String mintDaysAgo(OidcLoginRequestPostProcessor user, int days, String model, String description, String lifetime)
            throws Exception {
        var created = clock.shifted(java.time.Duration.ofDays(-days), () -> mintThroughTheForm(user, post("/keys").with(user)
                .with(csrf()).param("model", namespace + "/" + model).param("description", description).param("lifetime", lifetime)));
        var matcher = Pattern.compile("<code>(k[0-9a-v]{15})</code>").matcher(created.getContentAsString());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    static String hintOf(String clientId) {
        return portal.bean(ApiKeys.class).find(new dev.nebari.llm.keys.ClientId(clientId)).orElseThrow().metadata().displayHint();
    }

    /** The expiry reminder of a page, or "" when it has none. */
    static String reminderIn(String html) {
        var start = html.indexOf("<section class=\"reminder\"");
        return start < 0 ? "" : html.substring(start, html.indexOf("</section>", start));
    }

    private static final Pattern MESSAGE = Pattern.compile("(?s)<p class=\"(?:error|notice)\"[^>]*>(.*?)</p>");

    /**
     * Every error and notice any page of these tests shows, and every one a form hands to the next page, is a sentence:
     * upper-case first letter, full stop at the end (issue 14 item 7).
     */
    static void messagesAreSentences(org.springframework.test.web.servlet.MvcResult result) throws Exception {
        var messages = new java.util.ArrayList<String>();
        var flash = result.getFlashMap();
        for (var name : List.of("notice", "error")) {
            if (flash != null && flash.get(name) instanceof String flashed) {
                messages.add(flashed);
            }
        }
        var html = result.getResponse().getContentAsString();
        var shown = MESSAGE.matcher(html);
        while (shown.find()) {
            messages.add(org.springframework.web.util.HtmlUtils.htmlUnescape(
                    shown.group(1).replaceAll("<[^>]+>", "")).replaceAll("\\s+", " ").strip());
        }
        assertThat(messages).as("messages of %s", result.getRequest().getRequestURI())
                .allMatch(message -> message.matches("(?s)\\p{Lu}.*[.?!]"), "a sentence");
    }

    static final java.time.format.DateTimeFormatter SHOWN = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    String page(String path, OidcLoginRequestPostProcessor user) throws Exception {
        var response = web.perform(get(path).with(user)).andReturn().getResponse();
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        return response.getContentAsString();
    }

    /** The table rows of a page that mention {@code text}. */
    static List<String> rowsWith(String html, String text) {
        return java.util.Arrays.stream(html.split("<tr")).skip(1)
                .map(row -> row.substring(0, Math.max(row.indexOf("</tr>"), 0))).filter(row -> row.contains(text)).toList();
    }

    /** The opening tag of the element with this id. */
    static String tag(String html, String id) {
        var matcher = Pattern.compile("<[a-z]+[^>]*\\sid=\"" + id + "\"[^>]*>").matcher(html);
        assertThat(matcher.find()).as("an element with id %s", id).isTrue();
        return matcher.group();
    }

    static String keyValueIn(String html) {
        var matcher = Pattern.compile("value=\"(sk-[^\"]+)\"").matcher(html);
        assertThat(matcher.find()).as("the new key in the page").isTrue();
        return matcher.group(1);
    }

    static List<String> keysOf(String subject) {
        return portal.bean(ApiKeys.class).list(KeyQuery.ownedBy(subject)).stream().map(k -> k.clientId().value()).toList();
    }
}
