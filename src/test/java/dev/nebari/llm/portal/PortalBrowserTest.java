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
import dev.nebari.llm.testing.OffsetClock;
import dev.nebari.llm.testing.RunningPortal;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

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
    @RegisterExtension
    static final RunningPortal portal = new RunningPortal();
    static String namespace;
    /** Real time, except while a test mints a key in the past (one about to expire). */
    static final OffsetClock clock = new OffsetClock();

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
        portal.startWithKeycloak(cluster, keycloak, context -> context.getBeanFactory().registerSingleton("clock", clock));
    }

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {1280, 390})
    void aUserSignsInSeesTheirModelsCreatesCopiesAndRevokesAKey(int width) {
        var laptop = "browser test laptop at " + width;
        try (var browser = Browser.open()) {
            atWidth(browser, width);
            var driver = browser.driver();
            browser.visit(portal.url() + "/");
            assertThat(browser.currentUrl()).isEqualTo(portal.url() + "/login");
            browser.screenshot(shot("01-login", width));
            driver.findElement(By.linkText("Sign in")).click();
            keycloak.logIn(browser, keycloak.alice());
            // Back where the user started, with no "?continue" marker left in the URL.
            awaitPage(browser, portal.url() + "/");

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
            browser.screenshot(shot("02-my-models", width));

            card.findElement(By.linkText("Create a key for team-model")).click();
            browser.awaitElement(By.id("description")).sendKeys(laptop);
            browser.screenshot(shot("03-create-key", width));
            driver.findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();

            var value = browser.awaitElement(By.id("key-value")).getDomAttribute("value");
            assertThat(value).startsWith("sk-").hasSize(46);
            assertThat(driver.getPageSource()).contains("It will not be shown again");
            var copy = driver.findElement(By.cssSelector("button.copy"));
            assertThat(copy.isDisplayed()).as("the copy button appears with JavaScript").isTrue();
            copy.click();
            await().atMost(Duration.ofSeconds(5)).until(() -> !driver.findElement(By.cssSelector(".copy-status")).getText().isBlank());
            browser.screenshot(shot("04-key-created", width));

            // a reload must not post the form again (post/redirect/get): no second key, the value is gone
            driver.navigate().refresh();
            browser.awaitElement(By.cssSelector(".notice"));
            assertThat(driver.getCurrentUrl()).endsWith("/keys");
            assertThat(driver.getPageSource()).contains("shown only once").doesNotContain(value);

            browser.visit(portal.url() + "/keys");
            assertThat(driver.getPageSource()).contains(laptop, "…" + value.substring(value.length() - 4))
                    .doesNotContain(value);
            browser.screenshot(shot("05-my-keys", width));

            var owned = portal.bean(ApiKeys.class).list(KeyQuery.all()).stream()
                    .filter(k -> k.metadata().description().equals(laptop)).toList();
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
            assertThat(driver.getPageSource()).contains(laptop);
            browser.screenshot(shot("06-revoke-confirm", width));
            driver.findElement(By.cssSelector("form button.danger")).click();
            assertThat(browser.awaitElement(By.cssSelector("[role=status]")).getText())
                    .contains("was revoked").contains(laptop);
            assertThat(driver.findElements(By.cssSelector("tbody tr"))).as("no longer among the keys")
                    .noneMatch(row -> row.getText().contains(laptop));
            browser.screenshot(shot("07-key-revoked", width));
            assertThat(portal.bean(ApiKeys.class).find(owned.getFirst().clientId())).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {1280, 390})
    void anAdminPreviewsAndRevokesAllKeysOfAUserWithANonAsciiName(int width) {
        var jurgen = keycloak.jurgen();
        try (var browser = Browser.open()) {
            atWidth(browser, width);
            signIn(browser, jurgen);
            assertThat(browser.driver().getPageSource()).contains(jurgen.username(), "science-model", "open-model")
                    .doesNotContain("team-model");
            for (var description : List.of("first", "second")) {
                browser.visit(portal.url() + "/keys/new?model=" + namespace + "/science-model");
                browser.driver().findElement(By.id("description")).sendKeys(description);
                browser.driver().findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
                assertThat(browser.awaitElement(By.id("key-value")).getDomAttribute("value")).startsWith("sk-");
            }
            assertThat(browser.driver().findElements(By.linkText("All keys"))).as("no admin link for a user").isEmpty();
            browser.visit(portal.url() + "/admin/keys");
            assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
            browser.screenshot(shot("07-admin-page-refused", width));
        }
        try (var browser = Browser.open()) {
            atWidth(browser, width);
            signIn(browser, keycloak.admin());
            var driver = browser.driver();
            driver.findElement(By.linkText("All keys")).click();
            browser.awaitElement(By.id("filter-user")).sendKeys(jurgen.username());
            driver.findElement(By.cssSelector("form[role=search] button")).click();
            browser.awaitUrlContaining("user=");
            assertThat(driver.findElements(By.cssSelector("tbody tr"))).hasSize(2);
            browser.screenshot(shot("08-admin-all-keys", width));

            driver.findElement(By.id("bulk-user")).sendKeys(jurgen.username());
            driver.findElement(By.xpath("//button[text()='Preview']")).click();
            assertThat(browser.awaitElement(By.xpath("//h1[starts-with(text(), 'Revoke ')]")).getText()).isEqualTo("Revoke 2 keys?");
            browser.screenshot(shot("09-admin-bulk-preview", width));
            assertThat(keysOf(jurgen.username())).hasSize(2);

            driver.findElement(By.xpath("//button[text()='Revoke these keys']")).click();
            assertThat(browser.awaitElement(By.xpath("//*[@role='status'][starts-with(text(), 'Revoked ')]")).getText())
                    .isEqualTo("Revoked 2 keys of user " + jurgen.username() + ".");
            browser.screenshot(shot("10-admin-bulk-revoked", width));
            assertThat(keysOf(jurgen.username())).isEmpty();

            driver.findElement(By.linkText("Audit")).click();
            browser.awaitUrlContaining("/admin/audit");
            assertThat(driver.getPageSource()).contains(jurgen.username(), "admin@example.com (admin)");
            browser.screenshot(shot("11-admin-audit", width));
        }
    }

    /**
     * Issue 14 items 3, 5 and 8 at desktop width: a user renames a key on "My keys"; an admin finds it by part of the
     * owner's name in any case, sees it named as the user does, gets a bulk-form mistake next to that form, and filters
     * the audit with the filter kept in a URL that shows the same view when opened again.
     */
    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {1280, 390})
    void aUserRenamesAKeyAndAnAdminFindsItAndItsAuditByFilters(int width) {
        var before = "before the rename at " + width;
        var renamed = "renamed in chromium at " + width;
        var alice = keycloak.alice();
        String clientId;
        try (var browser = Browser.open()) {
            atWidth(browser, width);
            var driver = browser.driver();
            signIn(browser, alice);
            browser.visit(portal.url() + "/keys/new?model=" + namespace + "/open-model");
            browser.awaitElement(By.id("description")).sendKeys(before);
            driver.findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
            var value = browser.awaitElement(By.id("key-value")).getDomAttribute("value");
            clientId = portal.bean(ApiKeys.class).list(KeyQuery.all()).stream()
                    .filter(k -> k.metadata().description().equals(before)).findFirst().orElseThrow()
                    .clientId().value();

            browser.visit(portal.url() + "/keys");
            driver.findElement(By.cssSelector("summary[aria-label='Rename key " + clientId + "']")).click();
            var field = driver.findElement(By.id("rename-" + clientId));
            field.clear();
            field.sendKeys(renamed);
            browser.screenshot(shot("14-8-rename-form", width));
            driver.findElement(By.cssSelector("form[action='/keys/" + clientId + "/rename'] button")).click();
            assertThat(browser.awaitElement(By.cssSelector(".notice")).getText())
                    .contains("Renamed the key to “" + renamed + "”", clientId, "…" + value.substring(value.length() - 4));
            assertThat(rowOf(browser, clientId)).contains(renamed).doesNotContain(before);
            browser.screenshot(shot("14-8-renamed-on-my-keys", width));
        }
        try (var browser = Browser.open()) {
            atWidth(browser, width);
            var driver = browser.driver();
            signIn(browser, keycloak.admin());
            driver.findElement(By.linkText("All keys")).click();
            browser.awaitElement(By.id("filter-user")).sendKeys("ALICE");
            driver.findElement(By.cssSelector("form[role=search] button")).click();
            browser.awaitUrlContaining("user=ALICE");
            var key = portal.bean(ApiKeys.class).find(new dev.nebari.llm.keys.ClientId(clientId)).orElseThrow();
            assertThat(rowOf(browser, clientId)).contains("alice@example.com", renamed,
                    "…" + key.metadata().displayHint(), PortalPagesTest.SHOWN.format(key.metadata().created()),
                    PortalPagesTest.SHOWN.format(key.metadata().expires().orElseThrow()));
            assertThat(driver.findElement(By.id("filter-user")).getDomProperty("value")).isEqualTo("ALICE");
            browser.screenshot(shot("14-3-key-identity-admin", width));
            browser.screenshot(shot("14-5-admin-filter-any-case", width));

            browser.visit(portal.url() + "/admin/keys?user=nobody-like-this");
            assertThat(driver.findElement(By.cssSelector("main [role=status]")).getText())
                    .isEqualTo("No keys for users matching “nobody-like-this”.");
            browser.screenshot(shot("14-5-admin-filter-nothing-found", width));

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
            browser.screenshot(shot("14-5-bulk-error-next-to-its-form", width));

            driver.findElement(By.linkText("Audit")).click();
            browser.awaitElement(By.id("audit-user")).sendKeys("alice");
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("audit-action"))).selectByValue("renamed");
            driver.findElement(By.cssSelector("form[role=search] button")).click();
            browser.awaitUrlContaining("action=renamed");
            assertThat(rowOf(browser, clientId)).contains("renamed", renamed, "alice@example.com");
            assertThat(driver.findElements(By.cssSelector("tbody tr"))).allSatisfy(row -> assertThat(row.getText()).contains("renamed"));
            browser.screenshot(shot("14-5-audit-filter", width));

            // the filtered view is a URL: opened again, the same view with the same filter
            var shared = browser.currentUrl();
            browser.visit(portal.url() + "/admin/audit");
            browser.visit(shared);
            assertThat(driver.findElement(By.id("audit-user")).getDomProperty("value")).isEqualTo("alice");
            assertThat(new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("audit-action")))
                    .getFirstSelectedOption().getDomAttribute("value")).isEqualTo("renamed");
            assertThat(rowOf(browser, clientId)).contains(renamed);
        }
    }

    @Test
    void aUserWithoutGroupsSeesOnlyPublicModelsAndCanSignOut() {
        try (var browser = Browser.open()) {
            signIn(browser, keycloak.bob());
            assertThat(browser.driver().getPageSource()).contains("open-model").doesNotContain("team-model", "science-model");
            browser.driver().findElement(By.xpath("//button[text()='Sign out']")).click();
            awaitPage(browser, portal.url() + "/login?logout");
            assertThat(browser.driver().getPageSource()).contains("You are signed out.");
            browser.screenshot("12-signed-out");
            browser.visit(portal.url() + "/keys");
            assertThat(browser.currentUrl()).isEqualTo(portal.url() + "/login");
        }
    }

    @Test
    void thePagesFollowTheSystemsDarkColourScheme() {
        try (var light = Browser.open(); var dark = Browser.open(List.of("--force-dark-mode"))) {
            var backgrounds = new java.util.ArrayList<Object>();
            for (var browser : List.of(light, dark)) {
                browser.visit(portal.url() + "/login");
                backgrounds.add(browser.driver().executeScript("return getComputedStyle(document.body).backgroundColor"));
            }
            dark.screenshot("13-login-dark");
            assertThat(backgrounds).containsExactly("rgb(255, 255, 255)", "rgb(15, 20, 25)");
        }
    }

    /**
     * Issue 14 item 7: each snippet and value on "My models" has a copy button that puts its exact text on the
     * clipboard and says "Copied." in a live region; the snippets wrap their long lines instead of scrolling sideways.
     * The clipboard is read back with {@code navigator.clipboard.readText()}, which headless Chromium allows once the
     * page is granted clipboard-read: that proves what a paste would get, not just that the script ran.
     */
    @Test
    void theCopyButtonsCopyTheSnippetsExactTextAndTheSnippetsWrap() {
        try (var browser = Browser.open()) {
            var driver = browser.driver();
            signIn(browser, keycloak.alice());
            // granted to the page's origin, so once the portal is loaded
            driver.setPermission("clipboard-read", "granted");
            var card = driver.findElement(By.cssSelector("section[aria-labelledby='model-" + namespace + "-team-model']"));
            var copies = card.findElements(By.cssSelector("button.copy"));
            assertThat(copies).as("model id, two endpoints, curl and Python").hasSize(5)
                    .allMatch(WebElement::isDisplayed);
            assertThat(copies.get(3).getAccessibleName()).isEqualTo("Copy the curl command for team-model");

            var curl = card.findElement(By.cssSelector("pre[id^='curl-']"));
            var curlText = (String) driver.executeScript("return arguments[0].textContent", curl);
            assertThat(curlText).startsWith("export LLM_API_KEY=").contains("\\\n  -H \"Authorization: Bearer ${LLM_API_KEY}\"");
            copies.get(3).click();
            var status = copies.get(3).findElement(By.xpath("following-sibling::*[@role='status']"));
            assertThat(status.getAttribute("aria-live")).isEqualTo("polite");
            await().atMost(Duration.ofSeconds(10)).until(() -> status.getText().equals("Copied."));
            assertThat(clipboard(browser)).isEqualTo(curlText);
            browser.screenshot("14-7-copy-curl-1280");

            // another button copies its own value, and the earlier confirmation gives way to the new one
            copies.get(0).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> clipboard(browser).equals("Qwen/Qwen3-0.6B"));
            assertThat(status.getText()).isEmpty();

            for (var width : List.of(1280, 390)) {
                driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
                for (var snippet : card.findElements(By.cssSelector("pre.snippet"))) {
                    var scroll = (Long) driver.executeScript("return arguments[0].scrollWidth - arguments[0].clientWidth", snippet);
                    assertThat(scroll).as("%d px: a snippet scrolls sideways by %d px", width, scroll).isZero();
                }
                assertFitsTheScreen(browser, "/ at " + width + " px");
            }
            driver.executeScript("arguments[0].scrollIntoView()", curl);
            browser.screenshot("14-7-snippets-wrap-390");
        }
    }

    /**
     * Issue 14 item 11 at 1280 and 390 px: a key that expires within a week is named on the first page after sign-in;
     * Replace shows a new key once, the old key stays until the user says they copied the new one, then it is gone.
     */
    @Test
    void anExpiringKeyIsReplacedFromTheReminderAndTheOldOneRevokedWhenTheUserConfirms() throws Exception {
        try (var browser = Browser.open()) {
            var driver = browser.driver();
            for (var width : List.of(1280, 390)) {
                driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
                var description = "expiring laptop " + width;
                signIn(browser, keycloak.alice());
                clock.shifted(Duration.ofDays(-25), () -> createKey(browser, "team-model", description, "30d"));
                var old = keysOf(keycloak.alice().username()).stream()
                        .filter(k -> k.metadata().description().equals(description)).findFirst().orElseThrow();
                // sign out and in again: the reminder is on the first page the user sees
                driver.findElement(By.xpath("//button[text()='Sign out']")).click();
                awaitPage(browser, portal.url() + "/login?logout");
                signIn(browser, keycloak.alice());

                var reminder = browser.awaitElement(By.cssSelector("section.reminder"));
                assertThat(reminder.findElement(By.tagName("h2")).getText()).isEqualTo("1 key expires soon");
                var item = reminder.findElement(By.xpath(".//tbody/tr[contains(., '" + description + "')]"));
                assertThat(item.getText()).contains("…" + old.metadata().displayHint(), namespace + "/team-model");
                assertFitsTheScreen(browser, "the reminder at " + width + " px");
                browser.screenshot("14-11-expiry-reminder-" + width);

                item.findElement(By.xpath(".//button[starts-with(normalize-space(), 'Replace')]")).click();
                var value = browser.awaitElement(By.id("key-value")).getDomAttribute("value");
                assertThat(value).startsWith("sk-");
                assertThat(driver.findElement(By.id("old-key-heading")).getText()).isEqualTo("The old key still works");
                assertThat(portal.bean(ApiKeys.class).find(old.clientId())).as("not revoked before the user confirms").isPresent();
                assertFitsTheScreen(browser, "the new key at " + width + " px");
                browser.screenshot("14-11-replacement-shown-" + width);

                driver.findElement(By.xpath("//button[text()='I have copied the new key — revoke the old one']")).click();
                awaitPage(browser, portal.url() + "/keys");
                assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains(description, "was revoked");
                assertThat(driver.findElements(By.cssSelector("section.reminder"))).as("nothing expires soon now").isEmpty();
                assertThat(portal.bean(ApiKeys.class).find(old.clientId())).isEmpty();
                assertThat(keysOf(keycloak.alice().username())).filteredOn(k -> k.metadata().description().equals(description))
                        .singleElement().satisfies(successor -> assertThat(successor.metadata().displayHint())
                                .isEqualTo(value.substring(value.length() - 4)));
                browser.screenshot("14-11-old-key-revoked-" + width);
                driver.findElement(By.xpath("//button[text()='Sign out']")).click();
                awaitPage(browser, portal.url() + "/login?logout");
            }
        }
    }

    /** 390 px (a phone): no page scrolls sideways; long values wrap, tables scroll inside their own box. */
    @Test
    void everyPageFitsAPhoneScreenWithoutScrollingSideways() throws Exception {
        // a key with long values, so every table and list has something wide to hold
        portal.bean(ApiKeys.class).mint(new dev.nebari.llm.keys.MintRequest(
                new dev.nebari.llm.keys.KeyOwner("phone-sub", "someone.with.a.rather.long.name@department.example.com"),
                java.util.Set.of(), new dev.nebari.llm.keys.ModelRef(namespace, "open-model"),
                new dev.nebari.llm.model.AccessSpec(true, List.of()), "notebook-" + "x".repeat(60), java.util.Optional.empty()));
        try (var browser = Browser.open()) {
            signIn(browser, keycloak.admin());
            var driver = browser.driver();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            // a key of the admin's that is about to expire, so "My models" and "My keys" show the reminder and "My keys"
            // has a row with its rename form, and the admin at the per-model cap, so Replace leads to the refusal and
            // the revoke-first pages
            var description = "phone-" + "y".repeat(60);
            clock.shifted(Duration.ofDays(-25), () -> createKey(browser, "open-model", description, "30d"));
            var expiring = keysOf(keycloak.admin().username()).stream()
                    .filter(k -> k.metadata().description().equals(description)).findFirst().orElseThrow();
            fillTheCap(expiring);
            for (var path : List.of("/", "/keys", "/keys/new", "/admin/keys", "/admin/audit",
                    "/admin/keys?user=rather.long", "/admin/keys?user=nobody-like-this",
                    "/admin/audit?user=rather.long&action=issued", "/keys/" + expiring.clientId().value() + "/revoke")) {
                browser.visit(portal.url() + path);
                browser.awaitElement(By.tagName("h1"));
                assertFitsThePhone(browser, path, "390px" + path.replaceAll("k[0-9a-v]{15}", "id").replaceAll("[/?&=.]", "-"));
            }
            browser.visit(portal.url() + "/keys");
            var rename = browser.awaitElement(By.cssSelector("details.rename summary"));
            rename.click();
            assertFitsThePhone(browser, "/keys with a rename form open", "390px-keys-rename-open");
            browser.visit(portal.url() + driver.findElement(By.cssSelector("a.button.danger")).getDomAttribute("href"));
            assertThat(browser.awaitElement(By.tagName("h1")).getText()).isEqualTo("Revoke this key?");
            assertFitsThePhone(browser, "the revoke confirmation", "390px-keys-revoke-confirm");
            browser.visit(portal.url() + "/admin/keys");
            browser.awaitElement(By.id("bulk-user")).sendKeys("someone.with.a.rather.long.name@department.example.com");
            driver.findElement(By.xpath("//button[text()='Preview']")).click();
            assertThat(browser.awaitElement(By.xpath("//h1[starts-with(text(), 'Revoke ')]")).getText()).matches("Revoke \\d+ keys?\\?");
            assertFitsThePhone(browser, "the bulk preview", "390px-admin-bulk-preview");

            browser.visit(portal.url() + "/");
            var reminder = browser.awaitElement(By.cssSelector("section.reminder"));
            reminder.findElement(By.xpath(".//tbody/tr[contains(., '" + description + "')]//button")).click();
            browser.awaitElement(By.xpath("//h1[text()='That did not work']"));
            assertFitsThePhone(browser, "the refused replacement", "390px-keys-replace-refused");
            driver.findElement(By.partialLinkText("first…")).click();
            browser.awaitElement(By.xpath("//h1[text()='Revoke this key and replace it?']"));
            assertFitsThePhone(browser, "revoke and replace", "390px-keys-revoke-and-replace");
            driver.findElement(By.xpath("//button[text()='Revoke it and create the replacement']")).click();
            browser.awaitElement(By.id("key-value"));
            assertFitsThePhone(browser, "the replacement", "390px-keys-created-replacement");
        }
    }

    /** Mints keys for the owner of {@code key} and its model until the owner holds the most allowed (5). */
    private static void fillTheCap(dev.nebari.llm.keys.ApiKey key) {
        var keys = portal.bean(ApiKeys.class);
        while (keys.list(KeyQuery.ownedBy(key.owner().subject()).withModel(key.model())).size() < 5) {
            keys.mint(new dev.nebari.llm.keys.MintRequest(key.owner(), java.util.Set.of(), key.model(),
                    new dev.nebari.llm.model.AccessSpec(true, List.of()), "filler", java.util.Optional.empty()));
        }
    }

    private static void assertFitsThePhone(Browser browser, String what, String screenshot) {
        assertFitsTheScreen(browser, what);
        browser.screenshot(screenshot);
    }

    private static void assertFitsTheScreen(Browser browser, String what) {
        var page = (Long) browser.driver().executeScript("return document.documentElement.scrollWidth");
        var screen = (Long) browser.driver().executeScript("return document.documentElement.clientWidth");
        // the innermost elements that stick out, to say what to fix
        var outside = browser.driver().executeScript("""
                return [...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5))
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 5)""");
        assertThat(page).as("%s is %d px wide on a %d px screen; sticking out: %s", what, page, screen, outside)
                .isLessThanOrEqualTo(screen);
    }

    /** The text of the table row that names this key. */
    private static String rowOf(Browser browser, String clientId) {
        return browser.driver().findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText)
                .filter(text -> text.contains(clientId)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + clientId + " on " + browser.currentUrl()));
    }

    /** What a paste would insert (the page must be granted clipboard-read). */
    private static String clipboard(Browser browser) {
        return (String) browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                navigator.clipboard.readText().then(done, e => done('clipboard unreadable: ' + e));""");
    }

    /** Creates a key through the form and returns the page that shows it, once it is there. */
    private static WebElement createKey(Browser browser, String model, String description, String lifetime) {
        browser.visit(portal.url() + "/keys/new?model=" + namespace + "/" + model);
        browser.driver().findElement(By.id("description")).sendKeys(description);
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("lifetime"))).selectByValue(lifetime);
        browser.driver().findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
        return browser.awaitElement(By.id("key-value"));
    }

    /** Each flow runs on a desktop screen and on a phone (issue 14: every defect at both widths). */
    private static void atWidth(Browser browser, int width) {
        browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(width, width < 600 ? 844 : 900));
    }

    /** Screenshots keep their names at desktop width and carry "-390" on the phone. */
    private static String shot(String name, int width) {
        return width < 600 ? name + "-" + width : name;
    }

    private void signIn(Browser browser, KeycloakServer.User user) {
        browser.visit(portal.url() + "/login");
        browser.driver().findElement(By.linkText("Sign in")).click();
        keycloak.logIn(browser, user);
        awaitPage(browser, portal.url() + "/");
    }

    private static void awaitPage(Browser browser, String url) {
        await("the browser at " + url).atMost(Duration.ofSeconds(20)).until(() -> browser.currentUrl().equals(url));
    }

    private static WebElement revokeButtonFor(Browser browser, String clientId) {
        return browser.driver().findElement(By.cssSelector("[aria-label='Revoke key " + clientId + "']"));
    }

    private static List<dev.nebari.llm.keys.ApiKey> keysOf(String username) {
        return portal.bean(ApiKeys.class).list(KeyQuery.all().withUser(username));
    }
}
