package dev.nebari.llm.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** Starts (once) and hands out the shared {@link TestCluster}; see {@link WithKubernetes}. */
final class KubernetesClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KubernetesClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(STORE).put("namespaces", cluster(context).managedNamespaceCount());
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

    /** The class's namespaces stop being managed, so its models do not compete with the next class's. */
    @Override
    public void afterAll(ExtensionContext context) {
        var mark = context.getStore(STORE).get("namespaces", Integer.class);
        if (mark != null) {
            cluster(context).retireNamespacesSince(mark);
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
