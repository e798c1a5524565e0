package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The echo of our own write queues nothing; every other change, a resync replay and a deletion do. */
class OwnWritesTest {

    private final OwnWrites own = new OwnWrites();
    private final AtomicInteger queued = new AtomicInteger();

    private static ConfigMap object(String resourceVersion) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("m-config")
                .withResourceVersion(resourceVersion).endMetadata().build();
    }

    @Test
    void theEchoOfOurWriteQueuesNothing() {
        own.write(object(null), () -> object("7"));

        own.changed(null, object("7"), queued::incrementAndGet);

        assertThat(queued).hasValue(0);
    }

    @Test
    void anEchoArrivingWhileTheWriteIsInFlightIsRecognisedWhenItEnds() {
        own.write(object(null), () -> {
            own.changed(null, object("7"), queued::incrementAndGet);
            assertThat(queued).as("held while the write is in flight").hasValue(0);
            return object("7");
        });

        assertThat(queued).hasValue(0);
    }

    @Test
    void anotherChangeDuringTheWriteQueuesTheModelWhenTheWriteEnds() {
        own.write(object(null), () -> {
            own.changed(object("6"), object("8"), queued::incrementAndGet);
            return object("7");
        });

        assertThat(queued).hasValue(1);
    }

    @Test
    void aChangeBySomeoneElseQueuesTheModel() {
        own.write(object(null), () -> object("7"));

        own.changed(object("7"), object("9"), queued::incrementAndGet);

        assertThat(queued).hasValue(1);
    }

    @Test
    void anEchoIsRecognisedOnlyOnce() {
        own.write(object(null), () -> object("7"));
        own.changed(null, object("7"), queued::incrementAndGet);

        own.changed(null, object("7"), queued::incrementAndGet);

        assertThat(queued).as("a relist that adds the object again is not an echo").hasValue(1);
    }

    @Test
    void aResyncReplayOfOurVersionQueuesTheModel() {
        own.write(object(null), () -> object("7"));

        own.changed(object("7"), object("7"), queued::incrementAndGet);

        assertThat(queued).hasValue(1);
    }

    @Test
    void eventsHeldDuringAFailedWriteQueueTheModel() {
        assertThatThrownBy(() -> own.write(object(null), () -> {
            own.changed(null, object("7"), queued::incrementAndGet);
            throw new IllegalStateException("refused");
        })).hasMessage("refused");

        assertThat(queued).hasValue(1);
    }

    @Test
    void aDeletionQueuesTheModelAndForgetsTheWrite() {
        own.write(object(null), () -> object("7"));

        own.deleted(object("7"), queued::incrementAndGet);
        own.changed(null, object("7"), queued::incrementAndGet);

        assertThat(queued).hasValue(2);
    }
}
