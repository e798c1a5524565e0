package dev.nebari.llm.platform;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Leader election with a {@code coordination.k8s.io} Lease. Only the leader reconciles (and sweeps expired
 * keys); the others stand by and take over within {@code leaseDuration} when the leader goes away.
 *
 * @param enabled       false: this replica always leads (single-replica installs, tests)
 * @param operatorLeaseName the Lease of replicas running the operator profile (alone or combined)
 * @param portalLeaseName   the Lease of portal-only replicas (they lead the key expiry sweep)
 * @param namespace     the Lease's namespace; default: the pod's namespace, else {@code default}
 * @param identity      this replica's identity; default: the pod (host) name plus a random suffix
 */
@ConfigurationProperties("leader-election")
public record LeaderElectionSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("nebari-llm-serving-operator") String operatorLeaseName,
        @DefaultValue("nebari-llm-serving-portal") String portalLeaseName,
        @Nullable String namespace,
        @Nullable String identity,
        @DefaultValue("15s") Duration leaseDuration,
        @DefaultValue("10s") Duration renewDeadline,
        @DefaultValue("2s") Duration retryPeriod) {
}
