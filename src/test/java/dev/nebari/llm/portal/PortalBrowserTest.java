package dev.nebari.llm.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyQuery;
import dev.nebari.llm.model.EndpointsStatus;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.LLMModelStatus;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.testing.Browser;
import dev.nebari.llm.testing.KeycloakServer;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The portal in a real browser (Debian Chromium through Selenium) against a real Keycloak: sign-in with the
 * authorization code flow and PKCE as users whose names are e-mail addresses (one with non-ASCII letters), the
 * models each may see, a key created and shown once, copied, listed and revoked, CSRF enforced, and an admin's
 * bulk revocation with preview. Every page is saved as a screenshot in {@code target/screenshots/}.
 */
@Tag("browser")
@WithKubernetes(upstreamCrds = false)
class PortalBrowserTest {

    static KeycloakServer keycloak;
    static ConfigurableApplicationContext app;
    static String namespace;
    static String portal;

    @BeforeAll
    static void start(TestCluster cluster) {
        keycloak = KeycloakServer.shared();
        namespace = cluster.newNamespace("portal-browser");
        for (var model : List.of(
                ModelFixtures.model(namespace, "team-model", "Qwen/Qwen3-0.6B", "access: {groups: [llm-users]}"),
                ModelFixtures.model(namespace, "science-model", "ibm-granite/granite-3.3-2b-instruct", "access: {groups: [/data-science]}"),
                ModelFixtures.model(namespace, "open-model", "HuggingFaceTB/SmolLM2-135M-Instruct", "access: {public: true}"))) {
            cluster.client().resource(model).create();
        }
        // As the operator reports a served model: the page then shows its endpoints and snippets.
        cluster.client().resources(LLMModel.class).inNamespace(namespace).withName("team-model").editStatus(model -> {
            model.setStatus(new LLMModelStatus(Phase.Ready, List.of(), 1L, null, new EndpointsStatus(
                    "https://llm.nebari.example.com/v1", "https://llm-internal.nebari.example.com/v1", "Qwen/Qwen3-0.6B"),
                    "1.4Gi", null));
            return model;
        });
        app = TestApplication.startPortal(cluster, keycloak.issuerUrl(),
                "--portal.login.clientId=" + keycloak.clientId(),
                "--portal.login.clientSecret=" + keycloak.clientSecret());
        portal = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aUserSignsInSeesTheirModelsCreatesCopiesAndRevokesAKey() {
        try (var browser = Browser.open()) {
            var driver = browser.driver();
            browser.visit(portal + "/");
            assertThat(browser.currentUrl()).isEqualTo(portal + "/login");
            browser.screenshot("01-login");
            driver.findElement(By.linkText("Sign in")).click();
            keycloak.logIn(browser, keycloak.alice());
            // Back where the user started, with no "?continue" marker left in the URL.
            awaitPage(browser, portal + "/");

            var page = driver.getPageSource();
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("My models");
            assertThat(page).contains("team-model", "open-model", "Qwen/Qwen3-0.6B", "alice@example.com")
                    .doesNotContain("science-model");
            // Other test classes' public models may be listed too: look inside this model's card.
            var card = driver.findElement(By.cssSelector("section[aria-labelledby='model-" + namespace + "-team-model']"));
            var snippets = card.findElements(By.cssSelector("pre.snippet")).stream().map(WebElement::getText).toList();
            assertThat(snippets).hasSize(2);
            assertThat(snippets.getFirst()).contains("curl -sS https://llm.nebari.example.com/v1/chat/completions",
                    "\"model\": \"Qwen/Qwen3-0.6B\"");
            assertThat(snippets.getLast()).contains("base_url=\"https://llm.nebari.example.com/v1\"", "model=\"Qwen/Qwen3-0.6B\"");
            browser.screenshot("02-my-models");

            card.findElement(By.linkText("Create a key for team-model")).click();
            browser.awaitElement(By.id("description")).sendKeys("browser test laptop");
            browser.screenshot("03-create-key");
            driver.findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();

            var value = browser.awaitElement(By.id("key-value")).getDomAttribute("value");
            assertThat(value).startsWith("sk-").hasSize(46);
            assertThat(driver.getPageSource()).contains("It will not be shown again");
            var copy = driver.findElement(By.cssSelector("button.copy"));
            assertThat(copy.isDisplayed()).as("the copy button appears with JavaScript").isTrue();
            copy.click();
            await().atMost(Duration.ofSeconds(5)).until(() -> !driver.findElement(By.cssSelector(".copy-status")).getText().isBlank());
            browser.screenshot("04-key-created");

            // a reload must not post the form again (post/redirect/get): no second key, the value is gone
            driver.navigate().refresh();
            browser.awaitElement(By.cssSelector(".notice"));
            assertThat(driver.getCurrentUrl()).endsWith("/keys");
            assertThat(driver.getPageSource()).contains("shown only once").doesNotContain(value);

            browser.visit(portal + "/keys");
            assertThat(driver.getPageSource()).contains("browser test laptop", "…" + value.substring(value.length() - 4))
                    .doesNotContain(value);
            browser.screenshot("05-my-keys");

            var owned = app.getBean(ApiKeys.class).list(KeyQuery.all()).stream()
                    .filter(k -> k.metadata().description().equals("browser test laptop")).toList();
            assertThat(owned).hasSize(1);
            assertThat(owned.getFirst().owner().username()).isEqualTo("alice@example.com");

            // A form post without the CSRF token, from the page itself: refused.
            Object status = driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch('/keys', {method: 'POST', body: new URLSearchParams({model: arguments[0]})})
                        .then(r => done(r.status), e => done(String(e)));""", namespace + "/open-model");
            assertThat(status).isEqualTo(403L);

            revokeButtonFor(browser, owned.getFirst().clientId().value()).click();
            // it asks first, naming the key
            assertThat(browser.awaitElement(By.tagName("h1")).getText()).isEqualTo("Revoke this key?");
            assertThat(driver.getPageSource()).contains("browser test laptop");
            browser.screenshot("06-revoke-confirm");
            driver.findElement(By.cssSelector("form button.danger")).click();
            assertThat(browser.awaitElement(By.cssSelector("[role=status]")).getText())
                    .contains("was revoked").contains("browser test laptop");
            assertThat(driver.findElements(By.cssSelector("tbody tr"))).as("no longer among the keys")
                    .noneMatch(row -> row.getText().contains("browser test laptop"));
            browser.screenshot("07-key-revoked");
            assertThat(app.getBean(ApiKeys.class).find(owned.getFirst().clientId())).isEmpty();
        }
    }

    @Test
    void anAdminPreviewsAndRevokesAllKeysOfAUserWithANonAsciiName() {
        var jurgen = keycloak.jurgen();
        try (var browser = Browser.open()) {
            signIn(browser, jurgen);
            assertThat(browser.driver().getPageSource()).contains(jurgen.username(), "science-model", "open-model")
                    .doesNotContain("team-model");
            for (var description : List.of("first", "second")) {
                browser.visit(portal + "/keys/new?model=" + namespace + "/science-model");
                browser.driver().findElement(By.id("description")).sendKeys(description);
                browser.driver().findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
                assertThat(browser.awaitElement(By.id("key-value")).getDomAttribute("value")).startsWith("sk-");
            }
            assertThat(browser.driver().findElements(By.linkText("All keys"))).as("no admin link for a user").isEmpty();
            browser.visit(portal + "/admin/keys");
            assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
            browser.screenshot("07-admin-page-refused");
        }
        try (var browser = Browser.open()) {
            signIn(browser, keycloak.admin());
            var driver = browser.driver();
            driver.findElement(By.linkText("All keys")).click();
            browser.awaitElement(By.id("filter-user")).sendKeys(jurgen.username());
            driver.findElement(By.cssSelector("form[role=search] button")).click();
            browser.awaitUrlContaining("user=");
            assertThat(driver.findElements(By.cssSelector("tbody tr"))).hasSize(2);
            browser.screenshot("08-admin-all-keys");

            driver.findElement(By.id("bulk-user")).sendKeys(jurgen.username());
            driver.findElement(By.xpath("//button[text()='Preview']")).click();
            assertThat(browser.awaitElement(By.xpath("//h1[starts-with(text(), 'Revoke ')]")).getText()).isEqualTo("Revoke 2 keys?");
            browser.screenshot("09-admin-bulk-preview");
            assertThat(keysOf(jurgen.username())).hasSize(2);

            driver.findElement(By.xpath("//button[text()='Revoke these keys']")).click();
            assertThat(browser.awaitElement(By.xpath("//*[@role='status'][starts-with(text(), 'Revoked ')]")).getText())
                    .isEqualTo("Revoked 2 keys of user " + jurgen.username() + ".");
            browser.screenshot("10-admin-bulk-revoked");
            assertThat(keysOf(jurgen.username())).isEmpty();

            driver.findElement(By.linkText("Audit")).click();
            browser.awaitUrlContaining("/admin/audit");
            assertThat(driver.getPageSource()).contains(jurgen.username(), "admin@example.com (admin)");
            browser.screenshot("11-admin-audit");
        }
    }

    /**
     * Issue 14 items 3, 5 and 8 at desktop width: a user renames a key on "My keys"; an admin finds it by part of the
     * owner's name in any case, sees it named as the user does, gets a bulk-form mistake next to that form, and filters
     * the audit with the filter kept in a URL that shows the same view when opened again.
     */
    @Test
    void aUserRenamesAKeyAndAnAdminFindsItAndItsAuditByFilters() {
        var alice = keycloak.alice();
        String clientId;
        try (var browser = Browser.open()) {
            var driver = browser.driver();
            signIn(browser, alice);
            browser.visit(portal + "/keys/new?model=" + namespace + "/open-model");
            browser.awaitElement(By.id("description")).sendKeys("before the rename");
            driver.findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
            var value = browser.awaitElement(By.id("key-value")).getDomAttribute("value");
            clientId = app.getBean(ApiKeys.class).list(KeyQuery.all()).stream()
                    .filter(k -> k.metadata().description().equals("before the rename")).findFirst().orElseThrow()
                    .clientId().value();

            browser.visit(portal + "/keys");
            driver.findElement(By.cssSelector("summary[aria-label='Rename key " + clientId + "']")).click();
            var field = driver.findElement(By.id("rename-" + clientId));
            field.clear();
            field.sendKeys("renamed in chromium");
            browser.screenshot("14-8-rename-form");
            driver.findElement(By.cssSelector("form[action='/keys/" + clientId + "/rename'] button")).click();
            assertThat(browser.awaitElement(By.cssSelector(".notice")).getText())
                    .contains("Renamed the key to “renamed in chromium”", clientId, "…" + value.substring(value.length() - 4));
            assertThat(rowOf(browser, clientId)).contains("renamed in chromium").doesNotContain("before the rename");
            browser.screenshot("14-8-renamed-on-my-keys");
        }
        try (var browser = Browser.open()) {
            var driver = browser.driver();
            signIn(browser, keycloak.admin());
            driver.findElement(By.linkText("All keys")).click();
            browser.awaitElement(By.id("filter-user")).sendKeys("ALICE");
            driver.findElement(By.cssSelector("form[role=search] button")).click();
            browser.awaitUrlContaining("user=ALICE");
            var key = app.getBean(ApiKeys.class).find(new dev.nebari.llm.keys.ClientId(clientId)).orElseThrow();
            assertThat(rowOf(browser, clientId)).contains("alice@example.com", "renamed in chromium",
                    "…" + key.metadata().displayHint(), PortalPagesTest.SHOWN.format(key.metadata().created()),
                    PortalPagesTest.SHOWN.format(key.metadata().expires().orElseThrow()));
            assertThat(driver.findElement(By.id("filter-user")).getDomProperty("value")).isEqualTo("ALICE");
            browser.screenshot("14-3-key-identity-admin");
            browser.screenshot("14-5-admin-filter-any-case");

            browser.visit(portal + "/admin/keys?user=nobody-like-this");
            assertThat(driver.findElement(By.cssSelector("main [role=status]")).getText())
                    .isEqualTo("No keys for users matching “nobody-like-this”.");
            browser.screenshot("14-5-admin-filter-nothing-found");

            // both targets in the bulk form: the mistake is said next to it, and what was typed stays
            driver.findElement(By.id("bulk-user")).sendKeys("alice@example.com");
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("bulk-model")))
                    .selectByValue(namespace + "/open-model");
            driver.findElement(By.xpath("//button[text()='Preview']")).click();
            var error = browser.awaitElement(By.id("bulk-error"));
            assertThat(error.getText()).contains("Name exactly one user or one model");
            assertThat(driver.findElement(By.id("bulk-user")).getDomProperty("value")).isEqualTo("alice@example.com");
            assertThat(new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("bulk-model")))
                    .getFirstSelectedOption().getText()).isEqualTo(namespace + "/open-model");
            ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", error);
            browser.screenshot("14-5-bulk-error-next-to-its-form");

            driver.findElement(By.linkText("Audit")).click();
            browser.awaitElement(By.id("audit-user")).sendKeys("alice");
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("audit-action"))).selectByValue("renamed");
            driver.findElement(By.cssSelector("form[role=search] button")).click();
            browser.awaitUrlContaining("action=renamed");
            assertThat(rowOf(browser, clientId)).contains("renamed", "renamed in chromium", "alice@example.com");
            assertThat(driver.findElements(By.cssSelector("tbody tr"))).allSatisfy(row -> assertThat(row.getText()).contains("renamed"));
            browser.screenshot("14-5-audit-filter");

            // the filtered view is a URL: opened again, the same view with the same filter
            var shared = browser.currentUrl();
            browser.visit(portal + "/admin/audit");
            browser.visit(shared);
            assertThat(driver.findElement(By.id("audit-user")).getDomProperty("value")).isEqualTo("alice");
            assertThat(new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("audit-action")))
                    .getFirstSelectedOption().getDomAttribute("value")).isEqualTo("renamed");
            assertThat(rowOf(browser, clientId)).contains("renamed in chromium");
        }
    }

    @Test
    void aUserWithoutGroupsSeesOnlyPublicModelsAndCanSignOut() {
        try (var browser = Browser.open()) {
            signIn(browser, keycloak.bob());
            assertThat(browser.driver().getPageSource()).contains("open-model").doesNotContain("team-model", "science-model");
            browser.driver().findElement(By.xpath("//button[text()='Sign out']")).click();
            awaitPage(browser, portal + "/login?logout");
            assertThat(browser.driver().getPageSource()).contains("You are signed out.");
            browser.screenshot("12-signed-out");
            browser.visit(portal + "/keys");
            assertThat(browser.currentUrl()).isEqualTo(portal + "/login");
        }
    }

    @Test
    void thePagesFollowTheSystemsDarkColourScheme() {
        try (var light = Browser.open(); var dark = Browser.open(List.of("--force-dark-mode"))) {
            var backgrounds = new java.util.ArrayList<Object>();
            for (var browser : List.of(light, dark)) {
                browser.visit(portal + "/login");
                backgrounds.add(browser.driver().executeScript("return getComputedStyle(document.body).backgroundColor"));
            }
            dark.screenshot("13-login-dark");
            assertThat(backgrounds).containsExactly("rgb(255, 255, 255)", "rgb(15, 20, 25)");
        }
    }

    /** 390 px (a phone): no page scrolls sideways; long values wrap, tables scroll inside their own box. */
    @Test
    void everyPageFitsAPhoneScreenWithoutScrollingSideways() {
        // a key with long values, so every table and list has something wide to hold
        app.getBean(ApiKeys.class).mint(new dev.nebari.llm.keys.MintRequest(
                new dev.nebari.llm.keys.KeyOwner("phone-sub", "someone.with.a.rather.long.name@department.example.com"),
                java.util.Set.of(), new dev.nebari.llm.keys.ModelRef(namespace, "open-model"),
                new dev.nebari.llm.model.AccessSpec(true, List.of()), "notebook-" + "x".repeat(60), java.util.Optional.empty()));
        try (var browser = Browser.open()) {
            signIn(browser, keycloak.admin());
            var driver = browser.driver();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            // a key of the admin's own, so that "My keys" has a row with its rename form, and a revoke page
            browser.visit(portal + "/keys/new");
            browser.awaitElement(By.id("description")).sendKeys("phone-" + "y".repeat(60));
            driver.findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
            browser.awaitElement(By.id("key-value"));
            for (var path : List.of("/", "/keys", "/keys/new", "/admin/keys", "/admin/audit",
                    "/admin/keys?user=rather.long", "/admin/keys?user=nobody-like-this",
                    "/admin/audit?user=rather.long&action=issued")) {
                browser.visit(portal + path);
                browser.awaitElement(By.tagName("h1"));
                assertFitsThePhone(browser, path, "390px" + path.replaceAll("[/?&=.]", "-"));
            }
            browser.visit(portal + "/keys");
            var rename = browser.awaitElement(By.cssSelector("details.rename summary"));
            rename.click();
            assertFitsThePhone(browser, "/keys with a rename form open", "390px-keys-rename-open");
            browser.visit(portal + driver.findElement(By.cssSelector("a.button.danger")).getDomAttribute("href"));
            assertThat(browser.awaitElement(By.tagName("h1")).getText()).isEqualTo("Revoke this key?");
            assertFitsThePhone(browser, "the revoke confirmation", "390px-keys-revoke-confirm");
            browser.visit(portal + "/admin/keys");
            browser.awaitElement(By.id("bulk-user")).sendKeys("someone.with.a.rather.long.name@department.example.com");
            driver.findElement(By.xpath("//button[text()='Preview']")).click();
            assertThat(browser.awaitElement(By.xpath("//h1[starts-with(text(), 'Revoke ')]")).getText()).matches("Revoke \\d+ keys?\\?");
            assertFitsThePhone(browser, "the bulk preview", "390px-admin-bulk-preview");
        }
    }

    private static void assertFitsThePhone(Browser browser, String what, String screenshot) {
        var driver = browser.driver();
        var page = (Long) driver.executeScript("return document.documentElement.scrollWidth");
        var screen = (Long) driver.executeScript("return document.documentElement.clientWidth");
        assertThat(page).as("%s is %d px wide on a %d px screen", what, page, screen).isLessThanOrEqualTo(screen);
        browser.screenshot(screenshot);
    }

    /** The text of the table row that names this key. */
    private static String rowOf(Browser browser, String clientId) {
        return browser.driver().findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText)
                .filter(text -> text.contains(clientId)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + clientId + " on " + browser.currentUrl()));
    }

    private void signIn(Browser browser, KeycloakServer.User user) {
        browser.visit(portal + "/login");
        browser.driver().findElement(By.linkText("Sign in")).click();
        keycloak.logIn(browser, user);
        awaitPage(browser, portal + "/");
    }

    private static void awaitPage(Browser browser, String url) {
        await("the browser at " + url).atMost(Duration.ofSeconds(20)).until(() -> browser.currentUrl().equals(url));
    }

    private static WebElement revokeButtonFor(Browser browser, String clientId) {
        return browser.driver().findElement(By.cssSelector("[aria-label='Revoke key " + clientId + "']"));
    }

    private static List<String> keysOf(String username) {
        return app.getBean(ApiKeys.class).list(KeyQuery.all().withUser(username)).stream().map(k -> k.clientId().value()).toList();
    }
}
