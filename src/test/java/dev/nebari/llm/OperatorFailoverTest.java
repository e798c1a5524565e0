package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.platform.LeaderGate;
import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.TestCluster;
import dev.nebari.llm.testing.WithKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two operator replicas (two whole applications with the {@code operator} profile and their own leader-election
 * identities) against one API server, as the chart runs them: only the Lease holder writes, and when it stops the
 * standby takes over within the lease duration and reconciles what comes next.
 *
 * <p>"Never both write" is measured with each replica's own {@link KubernetesRequestCounter}: counts only grow, so
 * a standby whose count of writes (other than to its Lease) is still zero at the moment the leader is stopped wrote
 * nothing while the leader was alive; and a closed application's client sends nothing more.
 */
@WithKubernetes
class OperatorFailoverTest {

    static final Duration LEASE = Duration.ofSeconds(6);
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static FakeOidcIssuer issuer;
    static String namespace;

    @BeforeAll
    static void startIssuer(TestCluster cluster) {
        issuer = FakeOidcIssuer.start();
        namespace = cluster.newNamespace("failover");
        cluster.ensureNamespace("llm-api-keys");
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    /** One operator replica; the Lease lives in the test's namespace, so other tests' replicas never compete. */
    record Replica(String name, ConfigurableApplicationContext app) implements AutoCloseable {

        static Replica start(TestCluster cluster, String name) {
            return new Replica(name, TestApplication.start(
                    "--spring.profiles.active=operator",
                    "--cluster.kubeconfig=" + cluster.kubeconfig(),
                    "--auth.oidc.issuerURL=" + issuer.issuer(),
                    "--leader-election.namespace=" + namespace,
                    "--leader-election.identity=" + name,
                    "--leader-election.lease-duration=" + LEASE.toMillis() + "ms",
                    "--leader-election.renew-deadline=4s",
                    "--leader-election.retry-period=250ms"));
        }

        boolean leads() {
            return app.isActive() && app.getBean(LeaderGate.class).isLeader();
        }

        /** Writes other than to the Lease, which every replica touches while it campaigns. */
        long writes() {
            var requests = app.getBean(KubernetesRequestCounter.class);
            return requests.writes() - requests.writesTo("leases");
        }

        @Override
        public void close() {
            app.close();
        }
    }

    @Test
    void onlyTheLeaderWritesAndTheStandbyTakesOverWithinTheLeaseWhenItStops(TestCluster cluster) {
        try (var a = Replica.start(cluster, "replica-a"); var b = Replica.start(cluster, "replica-b")) {
            await().atMost(TIMEOUT).until(() -> a.leads() || b.leads());
            var leader = a.leads() ? a : b;
            var standby = leader == a ? b : a;

            var client = cluster.client();
            for (var name : List.of("one", "two", "three")) {
                client.resource(model(name)).create();
            }
            await().atMost(TIMEOUT).untilAsserted(() -> {
                for (var name : List.of("one", "two", "three")) {
                    assertReconciled(client, name);
                }
            });
            assertThat(leader.writes()).as("writes of the leader, %s", leader.name()).isPositive();
            assertThat(standby.leads()).as("%s leads too", standby.name()).isFalse();
            assertThat(standby.writes()).as("writes of the standby while %s leads: %s", leader.name(),
                    standby.app().getBean(KubernetesRequestCounter.class).recentWrites()).isZero();

            var stopped = System.nanoTime();
            leader.close();
            await().atMost(LEASE).until(standby::leads);
            var takeover = Duration.ofNanos(System.nanoTime() - stopped);

            client.resource(model("after-handover")).create();
            await().atMost(TIMEOUT).untilAsserted(() -> assertReconciled(client, "after-handover"));
            assertThat(standby.writes()).as("writes of the new leader").isPositive();
            assertThat(client.leases().inNamespace(namespace).withName("nebari-llm-serving-operator").get()
                    .getSpec().getHolderIdentity()).isEqualTo(standby.name());
            System.out.printf("%s took over %d ms after %s stopped (lease %s)%n", standby.name(), takeover.toMillis(),
                    leader.name(), LEASE);
        }
    }

    static LLMModel model(String name) {
        return ModelFixtures.model(namespace, name, "org/" + name, "access: {public: true}");
    }

    /** The model's Deployment exists and its status has been written. */
    static void assertReconciled(KubernetesClient client, String name) {
        assertThat(client.apps().deployments().inNamespace(namespace).withName(name).get()).as("Deployment %s", name)
                .isNotNull();
        var model = client.resources(LLMModel.class).inNamespace(namespace).withName(name).get();
        assertThat(model.getStatus()).as("status of %s", name).isNotNull();
        assertThat(model.getStatus().conditions()).as("conditions of %s", name).isNotEmpty();
    }
}
