package dev.nebari.llm.keys;

import static dev.nebari.llm.keys.KeyStoreFixture.request;
import static dev.nebari.llm.keys.KeyStoreFixture.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.nebari.llm.model.AccessSpec;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No key value reaches a log line (logger {@code audit} or any other, at DEBUG), an exception, an event or an
 * audit record, across mints, refusals, listings and revocations.
 */
@WithKubernetes(upstreamCrds = false)
class KeySecrecyTest {

    @Test
    void noKeyValueAppearsInAnyLogLineExceptionEventOrAuditRecord(TestCluster cluster) throws Exception {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var captured = new CapturingAppender();
        captured.start();
        var previousLevel = root.getLevel();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        var texts = new ArrayList<String>();
        var values = new ArrayList<String>();
        var model = new ModelRef("team-a", "llama");
        try (var store = new KeyStoreFixture(cluster, KeyStoreFixture.DEFAULT_RULES, true)) {
            var issued = new ArrayList<IssuedKey>(ConcurrentMintTest.atOnce(20, n -> store.keys.mint(request(user("u" + n), model))));
            for (int i = 0; i < 4; i++) {
                issued.add(store.keys.mint(request(user("u0"), model)));
            }
            issued.forEach(k -> {
                values.add(k.secret().reveal());
                texts.add(k.toString());
                texts.add(k.key().toString());
            });
            texts.add(catchThrowable(() -> store.keys.mint(request(user("u0"), model))).toString());
            texts.add(catchThrowable(() -> store.keys.mint(request(user("x"), Set.of("x"), model,
                    new AccessSpec(false, List.of("ml"))))).toString());
            texts.add(catchThrowable(() -> store.keys.revoke(issued.getFirst().clientId(), Actor.user(user("x")))).toString());
            texts.add(store.keys.list(KeyQuery.all()).toString());
            store.keys.revoke(issued.getFirst().clientId(), Actor.user(user("u0")));
            store.keys.revokeAllForModel(model, Actor.admin("root", "root"), false);
            store.recorder.flush(java.time.Duration.ofSeconds(10));
            store.events.forEach(e -> texts.add(e.toString()));
            store.audit.recent(1_000).forEach(r -> texts.add(r.toString()));
        } finally {
            root.detachAppender(captured);
            root.setLevel(previousLevel);
        }
        for (var event : captured.events) {
            texts.add(event.getLoggerName() + " " + event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }

        assertThat(values).hasSize(24);
        assertThat(captured.events).filteredOn(e -> e.getLoggerName().equals(KeyAuditTrail.LOGGER)).hasSizeGreaterThanOrEqualTo(48);
        for (var value : values) {
            // The random part alone, too: a log line might have cut the prefix.
            assertThat(texts).noneMatch(text -> text.contains(value.substring(3)));
        }
    }

    /** Collects log events from every thread (the writer, informer and event threads log too). */
    static final class CapturingAppender extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }
    }
}
