package dev.nebari.llm.testing;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application's {@code portal} profile for one test class. Register it with {@code @RegisterExtension}, start it in
 * the class's {@code @BeforeAll} once the class's models exist (it returns when the catalog has listed them); it
 * closes after the class.
 */
public final class RunningPortal implements AfterAllCallback {

    private @Nullable ConfigurableApplicationContext app;

    /**
     * The models the page and API tests show, all serving Qwen/Qwen3-0.6B: {@code team-model} for the group
     * {@code /llm-users}, the public {@code open-model} and {@code other-model} of another team.
     */
    public static List<LLMModel> teamOpenAndOtherModels(String namespace) {
        return List.of(ModelFixtures.model(namespace, "team-model", "Qwen/Qwen3-0.6B", "access: {groups: [/llm-users]}"),
                ModelFixtures.model(namespace, "open-model", "Qwen/Qwen3-0.6B", "access: {public: true}"),
                ModelFixtures.model(namespace, "other-model", "Qwen/Qwen3-0.6B", "access: {groups: [other-team]}"));
    }

    /** Creates {@code models}, then starts the portal with tokens from {@code issuer}; see {@link TestApplication#startPortal}. */
    public void start(TestCluster cluster, List<LLMModel> models, String issuer,
            ApplicationContextInitializer<ConfigurableApplicationContext> initializer, String... args) {
        for (var model : models) {
            cluster.client().resource(model).create();
        }
        app = TestApplication.startPortal(cluster, issuer, initializer, args);
    }

    /** As {@link #start}, without models of its own. */
    public void start(TestCluster cluster, String issuer, String... args) {
        start(cluster, List.of(), issuer, context -> { }, args);
    }

    /** Starts the portal signing users in with the shared Keycloak's portal client (browser tests). */
    public void startWithKeycloak(TestCluster cluster, KeycloakServer keycloak,
            ApplicationContextInitializer<ConfigurableApplicationContext> initializer, String... args) {
        var all = new ArrayList<>(List.of(
                "--portal.login.clientId=" + keycloak.clientId(),
                "--portal.login.clientSecret=" + keycloak.clientSecret()));
        all.addAll(List.of(args));
        start(cluster, List.of(), keycloak.issuerUrl(), initializer, all.toArray(String[]::new));
    }

    public void startWithKeycloak(TestCluster cluster, KeycloakServer keycloak, String... args) {
        startWithKeycloak(cluster, keycloak, context -> { }, args);
    }

    public ConfigurableApplicationContext app() {
        if (app == null) {
            throw new IllegalStateException("the portal has not been started (call start in @BeforeAll)");
        }
        return app;
    }

    public <T> T bean(Class<T> type) {
        return app().getBean(type);
    }

    /** Where the portal answers, as a browser reaches it: {@code http://localhost:<port>}. */
    public String url() {
        return "http://localhost:" + port();
    }

    public String port() {
        return app().getEnvironment().getRequiredProperty("local.server.port");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (app != null) {
            app.close();
            app = null;
        }
    }
}
