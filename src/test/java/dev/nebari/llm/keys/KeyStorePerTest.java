package dev.nebari.llm.keys;

import dev.nebari.llm.testing.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class (annotated {@code @WithKubernetes}) whose every test gets a fresh {@link KeyStoreFixture} in its own
 * keys namespace, closed after the test. A class that needs other rules or audit Events overrides {@link #open}.
 */
abstract class KeyStorePerTest {

    KeyStoreFixture store;

    KeyStoreFixture open(TestCluster cluster) {
        return new KeyStoreFixture(cluster);
    }

    @BeforeEach
    final void newStore(TestCluster cluster) {
        store = open(cluster);
    }

    @AfterEach
    final void closeStore() {
        store.close();
    }
}
