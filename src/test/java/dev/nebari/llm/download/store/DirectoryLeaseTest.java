package dev.nebari.llm.download.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLeaseTest {

    static final Duration LEASE = Duration.ofMillis(400);

    @TempDir
    Path dir;
    final ExecutorService contenders = Executors.newCachedThreadPool();
    final List<String> waitedFor = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        contenders.shutdownNow();
    }

    CompletableFuture<DirectoryLease> acquireInBackground(String owner) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return DirectoryLease.acquire(dir, owner, LEASE, waitedFor::add);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, contenders);
    }

    @Test
    void aLiveHolderKeepsTheLeaseWhileItRenews() throws Exception {
        try (DirectoryLease holder = DirectoryLease.acquire(dir, "pod-a", LEASE, waitedFor::add)) {
            CompletableFuture<DirectoryLease> second = acquireInBackground("pod-b");

            await().during(LEASE.multipliedBy(3)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
            assertThat(holder.isHeld()).isTrue();
            assertThat(waitedFor).containsExactly("pod-a");
            second.cancel(true);
        }
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() throws Exception {
        DirectoryLease holder = DirectoryLease.acquire(dir, "pod-a", LEASE, waitedFor::add);
        CompletableFuture<DirectoryLease> second = acquireInBackground("pod-b");

        holder.close();

        await().atMost(LEASE.dividedBy(2).plusMillis(200)).until(second::isDone);
        try (DirectoryLease next = second.get()) {
            assertThat(next.isHeld()).isTrue();
        }
    }

    @Test
    void aCrashedHoldersLeaseExpiresAndIsTakenOver() throws Exception {
        // What a holder that died without releasing leaves behind: a lease file nobody renews.
        Files.writeString(dir.resolve("lease.7"), "owner=pod-crashed\nrenewal=12\nstate=held\n");
        long started = System.nanoTime();

        try (DirectoryLease lease = DirectoryLease.acquire(dir, "pod-b", LEASE, waitedFor::add)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(LEASE);
            assertThat(lease.isHeld()).isTrue();
            assertThat(waitedFor).containsExactly("pod-crashed");
            assertThat(dir.resolve("lease.8")).content().contains("owner=pod-b");
            assertThat(dir.resolve("lease.7")).doesNotExist();
        }
    }

    @Test
    void aHolderThatWasPausedTooLongNoticesItLostTheLease() throws Exception {
        try (DirectoryLease holder = DirectoryLease.acquire(dir, "pod-a", LEASE, waitedFor::add)) {
            // Another replica took over (as it would after this holder's renewals stopped for a lease duration).
            Files.writeString(dir.resolve("lease.2"), "owner=pod-b\nrenewal=0\nstate=held\n");

            assertThat(holder.isHeld()).isFalse();
        }
        assertThat(dir.resolve("lease.2")).content().contains("owner=pod-b");
    }
}
