package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs after every other test class of the run (see junit-platform.properties) and scans the log of the whole
 * run, {@code target/test-logs/all.log} (written by logback-test.xml), for anything shaped like an API key. Every
 * test that mints keys (REST API, portal, concurrency, expiry, gateway policies) has logged by then; a key value
 * in any line, at any level that was on, is a leak.
 */
@Order(Integer.MAX_VALUE)
@WithKubernetes(upstreamCrds = false)
class NoKeyInTestOutputTest {

    static final Path RUN_LOG = Path.of("target/test-logs/all.log");
    static final Pattern KEY_SHAPED = Pattern.compile(Pattern.quote(ApiKeySecret.PREFIX) + "[A-Za-z0-9_-]{43}");

    @Test
    void noKeyValueAppearsInTheLogOfTheWholeTestRun(TestCluster cluster) throws Exception {
        // Mint and revoke some keys here too, with DEBUG on, so the scan never passes on an empty log.
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var previous = root.getLevel();
        root.setLevel(Level.DEBUG);
        var minted = new ArrayList<IssuedKey>();
        try (var store = new KeyStoreFixture(cluster, KeyStoreFixture.DEFAULT_RULES, true)) {
            var model = new ModelRef("team-a", "scan");
            for (int i = 0; i < 3; i++) {
                minted.add(store.keys.mint(request(user("scan-" + i), model)));
            }
            store.keys.revokeAllForModel(model, Actor.admin("root", "root"), false);
        } finally {
            root.setLevel(previous);
        }

        var log = Files.readString(RUN_LOG);
        assertThat(log).as("the run log records the audit of this test's keys")
                .contains(minted.stream().map(k -> k.clientId().value()).toArray(String[]::new));
        var leaks = KEY_SHAPED.matcher(log).results().map(m -> m.group()).distinct().toList();
        assertThat(leaks).as("API key values in %s", RUN_LOG).isEmpty();
        assertThat(minted).allSatisfy(k -> assertThat(log).doesNotContain(k.secret().reveal()));
    }
}
