package dev.nebari.llm.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** Starts (once) and hands out the shared {@link TestCluster}; see {@link WithKubernetes}. */
final class KubernetesClusterExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        var settings = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithKubernetes.class)
                .orElseThrow();
        var cluster = cluster(context);
        if (settings.upstreamCrds()) {
            cluster.requireUpstreamCrds();
        }
        if (settings.controllers()) {
            cluster.startControllers();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        var type = parameter.getParameter().getType();
        return type == KubernetesClient.class || type == TestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        var cluster = cluster(context);
        return parameter.getParameter().getType() == TestCluster.class ? cluster : cluster.client();
    }

    private static TestCluster cluster(ExtensionContext context) {
        return TestCluster.shared();
    }
}
