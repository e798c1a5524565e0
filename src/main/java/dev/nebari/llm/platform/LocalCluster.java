package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.Config;

/**
 * A Kubernetes cluster this process runs itself, for a run where none is configured: when the application has one,
 * its client talks to that cluster. A deployed pack never has one; the {@code localcluster} module supplies it
 * (see {@code cluster.embedded}), so this module never depends on how it is started.
 */
public interface LocalCluster {

    /** How a client reaches the cluster. */
    Config clientConfig();
}
