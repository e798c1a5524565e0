package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** The objects one rendering produced, with finders by the names the chart gives them. */
public record RenderedChart(List<HasMetadata> objects) {

    public static final String FULLNAME = ChartRenderer.RELEASE + "-nebari-llm-serving";

    public <T extends HasMetadata> Stream<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast);
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    public <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " named " + name + " among " + names()));
    }

    public GenericKubernetesResource generic(String kind, String name) {
        return findGeneric(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " among " + names()));
    }

    public Optional<GenericKubernetesResource> findGeneric(String kind, String name) {
        return all(GenericKubernetesResource.class)
                .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst();
    }

    public List<String> names() {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    }

    /** The Deployment of a component: operator, portal or combined. */
    public Deployment deployment(String component) {
        return get(Deployment.class, FULLNAME + "-" + component);
    }

    public static Container app(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("app")).findFirst().orElseThrow();
    }

    public static String env(Deployment deployment, String name) {
        return app(deployment).getEnv().stream().filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    /** The application.yaml the chart hands to the application, parsed. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> applicationConfig() {
        var yaml = get(ConfigMap.class, FULLNAME + "-config").getData().get("application.yaml");
        assertThat(yaml).as("application.yaml in the ConfigMap").isNotNull();
        return Serialization.unmarshal(yaml, Map.class);
    }

    public Optional<Object> applicationConfig(String path) {
        return ValuePaths.at(applicationConfig(), path);
    }

    /** Every rule granted to a ServiceAccount of the release, by namespace ("" for cluster-wide). */
    public List<Grant> grantsOf(String serviceAccount) {
        var cluster = all(ClusterRoleBinding.class)
                .filter(b -> b.getSubjects().stream().anyMatch(s -> isServiceAccount(s.getKind(), s.getName(), s.getNamespace(), serviceAccount)))
                .flatMap(b -> get(ClusterRole.class, b.getRoleRef().getName()).getRules().stream()
                        .map(rule -> new Grant("", b.getRoleRef().getName(), rule)));
        var namespaced = all(RoleBinding.class)
                .filter(b -> b.getSubjects().stream().anyMatch(s -> isServiceAccount(s.getKind(), s.getName(), s.getNamespace(), serviceAccount)))
                .flatMap(b -> {
                    var role = all(Role.class).filter(r -> r.getMetadata().getName().equals(b.getRoleRef().getName())
                            && r.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())).findFirst()
                            .orElseThrow(() -> new AssertionError("RoleBinding " + b.getMetadata().getName() + " names a missing Role"));
                    return role.getRules().stream().map(rule -> new Grant(b.getMetadata().getNamespace(), role.getMetadata().getName(), rule));
                });
        return Stream.concat(cluster, namespaced).toList();
    }

    private static boolean isServiceAccount(String kind, String name, String namespace, String serviceAccount) {
        return "ServiceAccount".equals(kind) && serviceAccount.equals(name) && ChartRenderer.NAMESPACE.equals(namespace);
    }

    /** One RBAC rule as it reaches a ServiceAccount: where ("" = cluster-wide), through which role. */
    public record Grant(String namespace, String role, PolicyRule rule) {

        public boolean allows(String apiGroup, String resource, String verb, String namespaceOfObject, String name) {
            return (namespace.isEmpty() || namespace.equals(namespaceOfObject))
                    && rule.getApiGroups().contains(apiGroup)
                    && rule.getResources().contains(resource)
                    && rule.getVerbs().contains(verb)
                    && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                    || (name != null && rule.getResourceNames().contains(name)));
        }

        public boolean touches(String apiGroup, String resource) {
            return rule.getApiGroups().contains(apiGroup) && rule.getResources().contains(resource);
        }
    }
}
