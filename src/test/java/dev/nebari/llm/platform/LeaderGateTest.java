package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Exactly one replica leads; when it stops, a standby takes over within the lease duration. */
@WithKubernetes(upstreamCrds = false)
class LeaderGateTest {

    static final Duration LEASE = Duration.ofSeconds(3);

    private static LeaderElectionSettings settings(String namespace, String identity) {
        return new LeaderElectionSettings(true, "test-lease", "unused", namespace, identity, LEASE,
                Duration.ofSeconds(2), Duration.ofMillis(250));
    }

    private static LeaderGate gate(KubernetesClient client, String namespace, String identity, List<LeadershipChanged> events) {
        return new LeaderGate(client, settings(namespace, identity), "test-lease", event -> events.add((LeadershipChanged) event));
    }

    /** A gate with leader election turned off (one replica): it leads as soon as it starts. */
    private static LeaderGate withoutElection(KubernetesClient client, String identity, List<LeadershipChanged> events) {
        var settings = new LeaderElectionSettings(false, "unused", "unused", "default", identity, LEASE,
                Duration.ofSeconds(2), Duration.ofMillis(250));
        return new LeaderGate(client, settings, "unused", event -> events.add((LeadershipChanged) event));
    }

    @Test
    void exactlyOneReplicaLeadsAndAStandbyTakesOverWithinTheLease(KubernetesClient client, TestCluster cluster) {
        var namespace = cluster.newNamespace("lease");
        var eventsA = new CopyOnWriteArrayList<LeadershipChanged>();
        var eventsB = new CopyOnWriteArrayList<LeadershipChanged>();
        var a = gate(client, namespace, "replica-a", eventsA);
        var b = gate(client, namespace, "replica-b", eventsB);
        a.start();
        b.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.isLeader() || b.isLeader());
            // hold for a few renewals: never two leaders (failFast: one poll with two fails, Awaitility would otherwise start over)
            await("never two leaders").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(50)).failFast("both lead", () -> a.isLeader() && b.isLeader())
                    .until(() -> a.isLeader() || b.isLeader());
            var leader = a.isLeader() ? a : b;
            var standby = leader == a ? b : a;
            var standbyEvents = leader == a ? eventsB : eventsA;

            var stopped = System.nanoTime();
            leader.stop();

            await().atMost(LEASE.plusSeconds(2)).until(standby::isLeader);
            var takeover = Duration.ofNanos(System.nanoTime() - stopped);
            assertThat(takeover).isLessThanOrEqualTo(LEASE.plusSeconds(2));
            assertThat(leader.isLeader()).isFalse();
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(standbyEvents).extracting(LeadershipChanged::leader).containsExactly(true));
            assertThat(client.leases().inNamespace(namespace).withName("test-lease").get().getSpec().getHolderIdentity())
                    .isEqualTo(standby.identity());
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * fabric8's elector calls back from its acquire loop and renews only after the callback returns: a listener
     * that starts slowly (the reconciler syncing its informers) must not cost the Lease to a standby.
     */
    @Test
    void aSlowListenerDoesNotCostTheLeaseToAStandby(KubernetesClient client, TestCluster cluster) {
        var namespace = cluster.newNamespace("lease-slow");
        var slowEvents = new CopyOnWriteArrayList<LeadershipChanged>();
        var slow = new LeaderGate(client, settings(namespace, "slow"), "test-lease", event -> {
            slowEvents.add((LeadershipChanged) event);
            if (((LeadershipChanged) event).leader()) {
                sleep(LEASE.multipliedBy(2));
            }
        });
        var standbyEvents = new CopyOnWriteArrayList<LeadershipChanged>();
        var standby = gate(client, namespace, "standby", standbyEvents);
        slow.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !slowEvents.isEmpty());
            standby.start();
            await("the standby never takes the Lease while the leader's listener starts")
                    .during(LEASE.multipliedBy(2).plusSeconds(1)).atMost(LEASE.multipliedBy(2).plusSeconds(3))
                    .until(standbyEvents::isEmpty);
            assertThat(slow.isLeader()).isTrue();
            assertThat(slowEvents).extracting(LeadershipChanged::leader).containsExactly(true);
        } finally {
            standby.stop();
            slow.stop();
        }
    }

    @Test
    void disabledElectionMakesThisReplicaTheLeader(KubernetesClient client) {
        var events = new CopyOnWriteArrayList<LeadershipChanged>();
        var gate = withoutElection(client, "solo", events);

        gate.start();
        assertThat(gate.isLeader()).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
        gate.stop();

        assertThat(gate.isLeader()).isFalse();
        assertThat(events).extracting(LeadershipChanged::leader).containsExactly(true, false);
    }

    /**
     * The context does not start the gate (LeaderElectionConfiguration does, once the application is ready), and a
     * second start, as a second ready event would make, does not open a second campaign.
     */
    @Test
    void theGateIsLeftToTheReadyApplicationAndStartsOnce(KubernetesClient client) {
        var events = new CopyOnWriteArrayList<LeadershipChanged>();
        var gate = withoutElection(client, "once", events);
        assertThat(gate.isAutoStartup()).isFalse();

        gate.start();
        gate.start();
        await().atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
        gate.stop();

        assertThat(events).extracting(LeadershipChanged::leader).containsExactly(true, false);
    }

    /** A listener that is slow to start (the reconciler syncing its informers). */
    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
