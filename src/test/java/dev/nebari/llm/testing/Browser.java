package dev.nebari.llm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven through Debian's chromedriver with Selenium: one browser with a fresh profile per
 * instance, closed with {@link #close()}. Both executables are given explicitly, so Selenium Manager is never run
 * and nothing is downloaded. When they are missing ({@code apt-get install chromium chromium-driver}), tests are
 * skipped, or fail with {@code CI=true} (see {@link MissingParts}).
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where {@link #screenshot(String)} writes, relative to the working directory (the project when Maven runs). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /**
     * No sandbox because CI runs as root; no /dev/shm because containers keep it small; and none of the
     * background traffic (component updates, sync, first-run pings) that would try to leave the machine.
     */
    static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--window-size=1280,900");

    /**
     * Selenium warns on every start that it has no DevTools module for this Chromium; the tests use WebDriver only,
     * and a module per Chromium release would have to follow Debian's updates. Held here: JUL keeps loggers weakly.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path userDataDir;

    private Browser(ChromeDriver driver, Path userDataDir) {
        this.driver = driver;
        this.userDataDir = userDataDir;
    }

    /** Starts Chromium with a fresh profile in a temporary directory. */
    public static Browser open() {
        return open(List.of());
    }

    /** The same, with extra Chromium flags (e.g. {@code --force-dark-mode} for a dark colour scheme). */
    public static Browser open(List<String> extraFlags) {
        MissingParts.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "; apt-get install chromium chromium-driver)");
        // Also for any code that builds its own ChromeDriver: the property makes Selenium skip its Manager.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        Path userDataDir;
        try {
            userDataDir = Files.createTempDirectory("nebari-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(FLAGS)
                .addArguments(extraFlags)
                .addArguments("--user-data-dir=" + userDataDir);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        var driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(driver, userDataDir);
    }

    /** The Selenium driver, for everything this class does not wrap. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Loads {@code url} and returns when the page has loaded. */
    public Browser visit(String url) {
        driver.get(url);
        return this;
    }

    /**
     * Waits (up to 30 s) for an element of the page a click leads to, as a user waits for the next page: a loaded
     * machine takes its time, and the page that was there before still answers {@code findElement} meanwhile.
     */
    public org.openqa.selenium.WebElement awaitElement(org.openqa.selenium.By locator) {
        return new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(30))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(locator));
    }

    /** Waits (up to 30 s) until the browser is at a URL containing {@code part}. */
    public void awaitUrlContaining(String part) {
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(30))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains(part));
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    public String title() {
        return driver.getTitle();
    }

    /** Saves the visible page as {@code target/screenshots/<name>.png} and returns that path. */
    public Path screenshot(String name) {
        return screenshot(Path.of(name.endsWith(".png") ? name : name + ".png"));
    }

    /** Saves the visible page as a PNG at {@code file}, resolved against {@code target/screenshots/} when relative. */
    public Path screenshot(Path file) {
        var target = SCREENSHOTS.resolve(file).toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save a screenshot to " + target, e);
        }
        return target;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            KeycloakServer.deleteRecursively(userDataDir);
        }
    }
}
