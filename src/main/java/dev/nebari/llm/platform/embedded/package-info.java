/**
 * Real parts run on this machine: the embedded Kubernetes control plane (etcd, kube-apiserver, controllers, KWOK),
 * the upstream CRDs it installs, stand-ins for the gateway controllers' status, and {@link
 * dev.nebari.llm.platform.embedded.ManagedProcess}, the child processes they run as. Exposed as the named interface
 * {@code embedded} for the local gateway, which runs its processes the same way.
 */
@org.springframework.modulith.NamedInterface("embedded")
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.platform.embedded;
