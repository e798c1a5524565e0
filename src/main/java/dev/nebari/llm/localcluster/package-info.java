/**
 * A real Kubernetes cluster on this machine, for a run with no cluster configured (the local demo) and for the
 * tests: etcd and kube-apiserver, on request kube-controller-manager, kube-scheduler and KWOK with a fake GPU node,
 * our CRD and the tested upstream CRDs, and stand-ins for the gateway controllers' status. {@link
 * dev.nebari.llm.localcluster.ManagedProcess} runs them as child processes (the local gateway runs its own the same
 * way).
 *
 * <p>Owns: the embedded control plane, its binaries ({@code scripts/k8s-test-binaries.sh}) and the settings that
 * start it ({@code cluster.embedded}, {@code cluster.crdsDir}, {@code cluster.crdUrls},
 * {@code cluster.embeddedControllers}). It hands the platform's client its cluster as a {@link
 * dev.nebari.llm.platform.LocalCluster}; the platform does not know this module. Must not touch: a configured
 * cluster (nothing starts when one is configured and {@code cluster.embedded} is {@code auto}), or any module's
 * internals. Nothing here is in a deployed pack: the packaged jar leaves this module out (pom.xml).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"platform"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.localcluster;
