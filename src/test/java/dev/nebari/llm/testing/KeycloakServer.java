package dev.nebari.llm.testing;

import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Keycloak with the test realm {@value #REALM} ({@code src/test/resources/keycloak/realm-nebari-test.json}):
 * one per test JVM, started on first use of {@link #shared()} and stopped when the JVM exits.
 *
 * <p>It runs in dev mode ({@code kc.sh start-dev}, its own H2 database) from the install that
 * {@code scripts/keycloak.sh} keeps in {@code ~/.cache/nebari-llm-serving/keycloak/<version>/}, in a temporary
 * Keycloak home whose {@code data/} is this run's alone, so runs never see each other's sessions or users. It
 * listens on a free loopback port, and its hostname is fixed to {@code http://127.0.0.1:<port>}: the issuer is the
 * same whether a browser or a back-channel call asks, so tokens from either validate against {@link #issuerUrl()}.
 *
 * <p>The users, their passwords and groups are read from the realm file, which stays the one place that defines
 * them. When Keycloak cannot be installed (no Java 21+, no Maven repository), tests are skipped, or fail with
 * {@code CI=true} (see {@link MissingParts}).
 */
public final class KeycloakServer {

    /** The version {@code scripts/keycloak.sh} installs by default; keep the two in step. */
    public static final String VERSION = "26.5.6";
    public static final String REALM = "nebari-test";
    static final String REALM_FILE = "/keycloak/realm-nebari-test.json";
    static final String CLIENT_ID = "nebari-portal";
    static final String API_CLIENT_ID = "nebari-llm-api";
    static final String AUTOMATION_CLIENT_ID = "nebari-llm-automation";

    private static final Logger log = LoggerFactory.getLogger(KeycloakServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A cold start measured 30-90 s on the 2-core machine depending on what else ran; the margin is for CI. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    /**
     * Replaces kc.sh's defaults (G1, C2): on two shared cores the client compiler alone and the serial collector
     * cut a start from about 30 to about 18 CPU-seconds; a test realm needs no peak throughput. Keycloak 26.5
     * targets Java 21; on 25 its jboss-threads needs java.lang opened (else stack traces at shutdown) and Netty's
     * use of sun.misc.Unsafe prints warnings unless allowed.
     */
    private static final String JAVA_OPTS = String.join(" ",
            "-Xms64m", "-Xmx512m", "-XX:MaxMetaspaceSize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError", "-Djava.security.egd=file:/dev/urandom",
            "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    /** A user of the test realm, with the groups as the {@code groups} claim carries them (full paths). */
    public record User(String username, String password, String email, String firstName, String lastName,
                       List<String> groups) {

        @Override
        public String toString() {
            return username;
        }
    }

    /** What the token endpoint returned. */
    public record Tokens(String accessToken, String idToken, String refreshToken) {

        public JWTClaimsSet accessTokenClaims() {
            return claims(accessToken);
        }

        public JWTClaimsSet idTokenClaims() {
            return claims(idToken);
        }

        private static JWTClaimsSet claims(String jwt) {
            try {
                return SignedJWT.parse(jwt).getJWTClaimsSet();
            } catch (ParseException e) {
                throw new IllegalStateException("Keycloak returned a token that is not a signed JWT", e);
            }
        }

        @Override
        public String toString() {
            return "Tokens[redacted]";
        }
    }

    private static @Nullable KeycloakServer shared;
    private static @Nullable String missing;
    private static @Nullable RuntimeException failedStart;

    private final Process process;
    private final Path home;
    private final Path logFile;
    private final int port;
    private final Duration startupTime;
    private final String clientSecret;
    private final String automationClientSecret;
    private final Map<String, User> users;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(Process process, Path home, Path logFile, int port, Duration startupTime,
                           RealmFile realm) {
        this.process = process;
        this.home = home;
        this.logFile = logFile;
        this.port = port;
        this.startupTime = startupTime;
        this.clientSecret = realm.clientSecret(CLIENT_ID);
        this.automationClientSecret = realm.clientSecret(AUTOMATION_CLIENT_ID);
        this.users = realm.users();
    }

    /**
     * The one Keycloak of this test JVM; skips the test (fails it in CI) when Keycloak cannot be installed. A start
     * that failed is not tried again by later test classes: they fail at once with the same error.
     */
    public static synchronized KeycloakServer shared() {
        if (shared == null && missing == null && failedStart == null) {
            var install = KeycloakInstall.locateOrInstall();
            if (install.isEmpty()) {
                missing = "Keycloak " + VERSION + " in $NEBARI_KEYCLOAK_HOME or " + KeycloakInstall.cacheDirectory()
                        + " (scripts/keycloak.sh installs it; its output, if it ran, is above)";
            } else {
                try {
                    var started = start(install.get());
                    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-keycloak"));
                    shared = started;
                } catch (RuntimeException e) {
                    failedStart = e;
                }
            }
        }
        if (failedStart != null) {
            throw failedStart;
        }
        MissingParts.require(missing == null, String.valueOf(missing));
        return Objects.requireNonNull(shared);
    }

    /** For example {@code http://127.0.0.1:41234/realms/nebari-test}: what {@code auth.oidc.issuerURL} takes. */
    public String issuerUrl() {
        return baseUrl() + "/realms/" + REALM;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The confidential client for the key portal: standard flow with PKCE S256, and the password grant. */
    public String clientId() {
        return CLIENT_ID;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /**
     * A public client (no secret) for tokens for the REST API, as docs/api-tokens.md sets it up: standard flow (the
     * OpenAPI page's Authorize, which sends a PKCE S256 challenge itself; any localhost redirect URI, any web origin)
     * and the device grant. Its PKCE method is left unset: Keycloak 26 would demand a challenge in the device grant too.
     */
    public String apiClientId() {
        return API_CLIENT_ID;
    }

    /** A confidential client with a service account (in {@code /llm-users}): the client-credentials grant. */
    public String automationClientId() {
        return AUTOMATION_CLIENT_ID;
    }

    public String automationClientSecret() {
        return automationClientSecret;
    }

    /** {@code alice@example.com}, in {@code /llm-users}. */
    public User alice() {
        return user("alice@example.com");
    }

    /** {@code jürgen.müller@example.com} (non-ASCII), in {@code /data-science} and its subgroup {@code /data-science/nlp}. */
    public User jurgen() {
        return user("jürgen.müller@example.com");
    }

    /** {@code admin@example.com}, in {@code /admin} and {@code /llm-users}. */
    public User admin() {
        return user("admin@example.com");
    }

    /** {@code bob@example.com}, in no group. */
    public User bob() {
        return user("bob@example.com");
    }

    public User user(String username) {
        var user = users.get(username);
        if (user == null) {
            throw new IllegalArgumentException("no user " + username + " in " + REALM_FILE + "; there are " + users.keySet());
        }
        return user;
    }

    public List<User> users() {
        return List.copyOf(users.values());
    }

    /** From starting kc.sh to the realm's discovery document answering (logged at start as well). */
    public Duration startupTime() {
        return startupTime;
    }

    /** Keycloak's own log of this run (kept in {@code target/} after the run). */
    public Path logFile() {
        return logFile;
    }

    /** Tokens for {@code user} from the password grant (direct access grant) of the portal client, scope openid. */
    public Tokens passwordGrant(User user) {
        var body = post(issuerUrl() + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password",
                "client_id", CLIENT_ID,
                "client_secret", clientSecret,
                "username", user.username(),
                "password", user.password(),
                "scope", "openid"));
        return tokens(body);
    }

    /** Tokens for an authorization code that the browser brought back, with the PKCE verifier of its request. */
    public Tokens authorizationCodeGrant(String code, String redirectUri, String codeVerifier) {
        var body = post(issuerUrl() + "/protocol/openid-connect/token", Map.of(
                "grant_type", "authorization_code",
                "client_id", CLIENT_ID,
                "client_secret", clientSecret,
                "code", code,
                "redirect_uri", redirectUri,
                "code_verifier", codeVerifier));
        return tokens(body);
    }

    /** The userinfo endpoint's answer for an access token. */
    public JsonNode userInfo(String accessToken) {
        return send(HttpRequest.newBuilder(URI.create(issuerUrl() + "/protocol/openid-connect/userinfo"))
                .header("Authorization", "Bearer " + accessToken).GET().build());
    }

    /** The realm's OpenID Provider metadata. */
    public JsonNode discoveryDocument() {
        return send(HttpRequest.newBuilder(URI.create(issuerUrl() + "/.well-known/openid-configuration")).GET().build());
    }

    /**
     * Fills in and submits Keycloak's login form, which the browser must be showing or about to show (after a
     * redirect to the authorization endpoint). Returns when the form has been submitted.
     */
    public void logIn(Browser browser, User user) {
        var driver = browser.driver();
        await("Keycloak's login form at " + driver.getCurrentUrl())
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !driver.findElements(By.id("kc-login")).isEmpty());
        var username = driver.findElement(By.id("username"));
        username.clear();
        username.sendKeys(user.username());
        var password = driver.findElement(By.id("password"));
        password.clear();
        password.sendKeys(user.password());
        driver.findElement(By.id("kc-login")).click();
    }

    private static Tokens tokens(JsonNode body) {
        return new Tokens(body.get("access_token").asString(), body.get("id_token").asString(),
                body.get("refresh_token").asString());
    }

    private JsonNode post(String url, Map<String, String> form) {
        var encoded = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encoded)).build());
    }

    private JsonNode send(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static KeycloakServer start(Path install) {
        var realm = RealmFile.read();
        var home = KeycloakInstall.temporaryHome(install, realm.json());
        var port = FreePort.any();
        var logFile = Path.of("target", "keycloak", "keycloak-" + port + ".log").toAbsolutePath();
        var command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev", "--import-realm",
                "--http-host=127.0.0.1", "--http-port=" + port, "--hostname=http://127.0.0.1:" + port,
                // Not started unless health or metrics are on, but it must never take the fixed 9000 of another run.
                "--http-management-port=" + FreePort.any());
        var started = System.nanoTime();
        Process process;
        try {
            Files.createDirectories(logFile.getParent());
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("JAVA_OPTS", JAVA_OPTS);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Keycloak from " + home + ": " + e.getMessage(), e);
        }
        var discovery = URI.create("http://127.0.0.1:" + port + "/realms/" + REALM + "/.well-known/openid-configuration");
        var probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            await("Keycloak's realm " + REALM + " on port " + port)
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Keycloak exited with " + process.exitValue());
                        }
                        return answers(probe, discovery);
                    });
        } catch (RuntimeException e) {
            stop(process, home);
            throw new IllegalStateException("Keycloak did not start (" + e.getMessage() + "); the end of "
                    + logFile + ":\n" + tail(logFile), e);
        }
        var startupTime = Duration.ofNanos(System.nanoTime() - started);
        log.info("Keycloak {} ready at {} in {} s (realm {}, log {})", VERSION, "http://127.0.0.1:" + port,
                String.format("%.1f", startupTime.toMillis() / 1000.0), REALM, logFile);
        return new KeycloakServer(process, home, logFile, port, startupTime, realm);
    }

    private static boolean answers(HttpClient probe, URI uri) {
        try {
            return probe.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stop() {
        stop(process, home);
    }

    /** TERM to Keycloak's JVM and to kc.sh (which would forward it), a grace period, then KILL; then the home goes. */
    private static void stop(Process process, Path home) {
        var handles = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        handles.forEach(ProcessHandle::destroy);
        for (var handle : handles) {
            try {
                handle.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        deleteRecursively(home);
    }

    private static String tail(Path file) {
        try {
            var lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Deletes a run's directory; symbolic links (into the shared install) are removed, never followed. */
    static void deleteRecursively(Path root) {
        try {
            FileSystemUtils.deleteRecursively(root);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", root, e.getMessage());
        }
    }

    /** The realm file, read once: its JSON for the import, and the client secrets and users the tests need. */
    private record RealmFile(String json, Map<String, String> clientSecrets, Map<String, User> users) {

        String clientSecret(String clientId) {
            var secret = clientSecrets.get(clientId);
            if (secret == null) {
                throw new IllegalStateException("no confidential client " + clientId + " in " + REALM_FILE);
            }
            return secret;
        }

        static RealmFile read() {
            String json;
            try (InputStream in = KeycloakServer.class.getResourceAsStream(REALM_FILE)) {
                if (in == null) {
                    throw new IllegalStateException(REALM_FILE + " is not on the test classpath");
                }
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var realm = JSON.readTree(json);
            var secrets = new LinkedHashMap<String, String>();
            realm.get("clients").valueStream().filter(c -> c.has("secret"))
                    .forEach(c -> secrets.put(c.get("clientId").asString(), c.get("secret").asString()));
            var users = new LinkedHashMap<String, User>();
            for (var user : realm.get("users")) {
                if (user.has("serviceAccountClientId")) {
                    // A client's own user: it signs in with the client's secret, not with a password.
                    continue;
                }
                var password = user.get("credentials").valueStream()
                        .filter(c -> "password".equals(c.get("type").asString()))
                        .map(c -> c.get("value").asString())
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("user without password in " + REALM_FILE));
                var groups = new ArrayList<String>();
                user.get("groups").forEach(g -> groups.add(g.asString()));
                var username = user.get("username").asString();
                users.put(username, new User(username, password, user.get("email").asString(),
                        user.get("firstName").asString(), user.get("lastName").asString(), List.copyOf(groups)));
            }
            return new RealmFile(json, Collections.unmodifiableMap(secrets), Collections.unmodifiableMap(users));
        }
    }

    /** Finds (or has scripts/keycloak.sh make) the prepared install, and lays out a run's temporary home. */
    private static final class KeycloakInstall {

        private static final List<String> SHARED_PARTS = List.of("lib", "conf", "providers", "themes", "version.txt");

        /** {@code $NEBARI_KEYCLOAK_HOME}, else the script's cache directory, else what the script installs. */
        static Optional<Path> locateOrInstall() {
            var configured = System.getenv("NEBARI_KEYCLOAK_HOME");
            if (configured != null && !configured.isBlank()) {
                return Optional.of(Path.of(configured)).filter(KeycloakInstall::isInstall);
            }
            var cached = cacheDirectory();
            if (isInstall(cached) && Files.isDirectory(cached.resolve("seed/h2"))) {
                return Optional.of(cached);
            }
            var script = findScript();
            if (script.isEmpty()) {
                return Optional.empty();
            }
            log.info("Keycloak {} is not in {}; installing it with {}", VERSION, cached, script.get());
            try {
                var builder = new ProcessBuilder("bash", script.get().toString()).inheritIO();
                builder.environment().put("KEYCLOAK_VERSION", VERSION);
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
                var exit = builder.start().waitFor();
                return exit == 0 && isInstall(cached) ? Optional.of(cached) : Optional.empty();
            } catch (IOException e) {
                log.warn("cannot run {}: {}", script.get(), e.getMessage());
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        static Path cacheDirectory() {
            var root = System.getenv("NEBARI_KEYCLOAK_CACHE");
            var base = root != null && !root.isBlank()
                    ? Path.of(root)
                    : Path.of(System.getProperty("user.home"), ".cache", "nebari-llm-serving", "keycloak");
            return base.resolve(VERSION);
        }

        private static boolean isInstall(Path dir) {
            return Files.isExecutable(dir.resolve("bin/kc.sh")) && Files.isRegularFile(dir.resolve("lib/quarkus-run.jar"));
        }

        private static Optional<Path> findScript() {
            for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                var script = dir.resolve("scripts/keycloak.sh");
                if (Files.isRegularFile(script)) {
                    return Optional.of(script);
                }
            }
            return Optional.empty();
        }

        /**
         * A Keycloak home of this run: its own {@code data/} (the seed database when the install has one, the realm
         * file in {@code data/import}) and links to the install's {@code lib}, {@code conf}, {@code providers} and
         * {@code themes}. kc.sh is copied, not linked, because it takes the home from its own resolved path, and
         * Keycloak reads {@code --import-realm} files only from {@code <home>/data/import}.
         */
        static Path temporaryHome(Path install, String realmJson) {
            try {
                var home = Files.createTempDirectory("nebari-keycloak-");
                Files.createDirectories(home.resolve("bin"));
                Files.copy(install.resolve("bin/kc.sh"), home.resolve("bin/kc.sh"),
                        StandardCopyOption.COPY_ATTRIBUTES);
                for (var part : SHARED_PARTS) {
                    if (Files.exists(install.resolve(part))) {
                        Files.createSymbolicLink(home.resolve(part), install.resolve(part));
                    }
                }
                var data = Files.createDirectories(home.resolve("data"));
                var seed = install.resolve("seed/h2");
                if (Files.isDirectory(seed)) {
                    var h2 = Files.createDirectories(data.resolve("h2"));
                    try (var files = Files.list(seed)) {
                        for (var file : files.toList()) {
                            Files.copy(file, h2.resolve(file.getFileName()));
                        }
                    }
                }
                Files.writeString(Files.createDirectories(data.resolve("import")).resolve(REALM + "-realm.json"),
                        realmJson);
                return home;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lay out a Keycloak home: " + e.getMessage(), e);
            }
        }
    }
}
