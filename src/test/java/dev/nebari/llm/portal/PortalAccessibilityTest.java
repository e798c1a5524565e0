package dev.nebari.llm.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.deque.html.axecore.selenium.AxeBuilder;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.testing.Browser;
import dev.nebari.llm.testing.KeycloakServer;
import dev.nebari.llm.testing.RunningPortal;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.Select;

/**
 * Every portal page checked by axe-core (Deque's rules, run inside the page in Chromium) at desktop and phone width,
 * in light and dark colour schemes: no serious or critical violation. Each page is saved as a screenshot in
 * {@code target/screenshots/} named {@code a11y-<width>-<scheme>-<page>.png}.
 */
@Tag("browser")
@WithKubernetes(upstreamCrds = false)
class PortalAccessibilityTest {

    static final List<Integer> WIDTHS = List.of(1280, 390);
    static final List<String> SCHEMES = List.of("light", "dark");
    /** axe-core's impact levels that fail the test: "serious" and "critical" (not "moderate" or "minor"). */
    static final List<String> FAILING_IMPACTS = List.of("serious", "critical");

    static KeycloakServer keycloak;
    @RegisterExtension
    static final RunningPortal portal = new RunningPortal();

    @BeforeAll
    static void start(TestCluster cluster) {
        keycloak = KeycloakServer.shared();
        var namespace = cluster.newNamespace("portal-a11y");
        cluster.client().resource(ModelFixtures.model(namespace, "open-model", "HuggingFaceTB/SmolLM2-135M-Instruct",
                "access: {public: true}")).create();
        portal.startWithKeycloak(cluster, keycloak);
    }

    @Test
    void everyPageHasNoSeriousAccessibilityViolationsAtAnyWidthInEitherScheme() {
        var violations = new ArrayList<String>();
        try (var browser = Browser.open()) {
            // The checker itself finds what it should: a form field without a label is a critical violation.
            browser.visit("data:text/html,<!DOCTYPE html><html lang=en><title>t</title><main><h1>t</h1><input type=text></main></html>");
            var control = new ArrayList<String>();
            analyse(browser, "/unlabelled-field", 1280, "light", control);
            assertThat(control).as("axe-core reports an unlabelled field").anyMatch(v -> v.contains("label"));

            check(browser, "/login", violations);

            browser.visit(portal.url() + "/login");
            browser.driver().findElement(By.linkText("Sign in")).click();
            keycloak.logIn(browser, keycloak.admin());
            await("the portal after sign-in").atMost(Duration.ofSeconds(20)).until(() -> browser.currentUrl().equals(portal.url() + "/"));
            // A key, so the key tables, the key-created page and the revoke confirmation have something to show.
            browser.visit(portal.url() + "/keys/new");
            browser.awaitElement(By.id("description")).sendKeys("accessibility check");
            browser.driver().findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
            browser.awaitElement(By.id("key-value"));
            checkCurrent(browser, "/keys/created", violations);
            // A key that expires within a week, so "My models" and "My keys" show the expiry reminder; Replace shows
            // its replacement once, on a page that also names the old key (checked as it is), and the revoke-first
            // confirmation (offered at the key cap) is a page of its own.
            browser.visit(portal.url() + "/keys/new");
            browser.awaitElement(By.id("description")).sendKeys("expires tomorrow");
            new Select(browser.driver().findElement(By.id("lifetime"))).selectByValue("1d");
            browser.driver().findElement(By.cssSelector("form[action='/keys'] button[type=submit]")).click();
            browser.awaitElement(By.id("key-value"));
            browser.visit(portal.url() + "/");
            var reminder = browser.awaitElement(By.cssSelector("section.reminder form"));
            var revokeFirst = reminder.getDomAttribute("action").replace("/replace", "/revoke?replace=true");
            reminder.findElement(By.tagName("button")).click();
            browser.awaitElement(By.id("old-key-heading"));
            checkCurrent(browser, "/keys/created-replacement", violations);
            browser.visit(portal.url() + "/keys");
            var revoke = browser.awaitElement(By.cssSelector("a.button.danger")).getDomAttribute("href");

            for (var path : List.of("/", "/keys", "/keys/new", revoke, revokeFirst, "/usage", "/admin/keys", "/admin/audit",
                    "/admin/usage", "/admin/usage?by=user")) {
                check(browser, path, violations);
            }
        }
        assertThat(violations).as("serious or critical axe-core violations").isEmpty();
    }

    /** Visits {@code path} at each width and scheme and records its serious violations. */
    private static void check(Browser browser, String path, List<String> violations) {
        for (var width : WIDTHS) {
            for (var scheme : SCHEMES) {
                view(browser, width, scheme);
                browser.visit(portal.url() + path);
                browser.awaitElement(By.tagName("h1"));
                analyse(browser, path, width, scheme, violations);
            }
        }
    }

    /** The page the browser is on, which cannot be visited again (the new key is shown once): checked as it is. */
    private static void checkCurrent(Browser browser, String name, List<String> violations) {
        for (var width : WIDTHS) {
            for (var scheme : SCHEMES) {
                view(browser, width, scheme);
                analyse(browser, name, width, scheme, violations);
            }
        }
    }

    private static void view(Browser browser, int width, String scheme) {
        browser.driver().manage().window().setSize(new Dimension(width, 900));
        browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    private static void analyse(Browser browser, String path, int width, String scheme, List<String> violations) {
        var results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"))
                .analyze(browser.driver());
        for (var rule : results.getViolations()) {
            if (FAILING_IMPACTS.contains(rule.getImpact())) {
                var targets = rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).toList();
                violations.add("%s at %d px, %s: %s (%s) on %s".formatted(path, width, scheme, rule.getId(),
                        rule.getHelp(), targets));
            }
        }
        var name = path.equals("/") ? "-models" : path.replaceAll("[^A-Za-z0-9]+", "-");
        browser.screenshot("a11y-" + width + "-" + scheme + name);
    }
}
