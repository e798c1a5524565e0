package dev.nebari.llm.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the shared real control plane (etcd + kube-apiserver, started once per test run) with
 * our CRD and the tested upstream CRDs installed. Test methods and constructors may declare a
 * {@link io.fabric8.kubernetes.client.KubernetesClient} or {@link TestCluster} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("apiserver")
@ExtendWith(KubernetesClusterExtension.class)
public @interface WithKubernetes {

    /** Also run kube-controller-manager, kube-scheduler and KWOK with one fake GPU node. */
    boolean controllers() default false;

    /** Install the tested set of upstream CRDs (skipped, or failed in CI, when they are absent). */
    boolean upstreamCrds() default true;
}
