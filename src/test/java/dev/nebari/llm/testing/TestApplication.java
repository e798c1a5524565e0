package dev.nebari.llm.testing;

import static org.awaitility.Awaitility.await;

import dev.nebari.llm.LlmServingApplication;
import dev.nebari.llm.catalog.ModelCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the whole application as a test needs it: free web and management ports, a base domain, plus the test's own arguments. */
public final class TestApplication {

    /** The portal's OIDC client unless a test passes its own ({@code --portal.login.clientId}). */
    public static final String PORTAL_CLIENT_ID = "nebari-portal-test";

    private TestApplication() {
    }

    public static ConfigurableApplicationContext start(String... args) {
        return start(context -> { }, args);
    }

    /** As {@link #start(String...)}, with {@code initializer} run on the context before it refreshes (extra beans). */
    public static ConfigurableApplicationContext start(
            org.springframework.context.ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
            String... args) {
        var all = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--platform.baseDomain=nebari.example.com"));
        if (List.of(args).stream().noneMatch(arg -> arg.startsWith("--portal.login.clientId="))) {
            // The portal's sign-in needs a client; tests that sign in pass their own.
            all.add("--portal.login.clientId=" + PORTAL_CLIENT_ID);
        }
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(LlmServingApplication.class).initializers(initializer)
                .run(all.toArray(String[]::new));
    }

    /**
     * Starts the {@code portal} profile against the test cluster with tokens from {@code issuer}, and returns once
     * the model catalog has listed the models the test created before.
     */
    public static ConfigurableApplicationContext startPortal(TestCluster cluster, String issuer, String... args) {
        return startPortal(cluster, issuer, context -> { }, args);
    }

    /** As {@link #startPortal(TestCluster, String, String...)}, with extra beans from {@code initializer} (a clock). */
    public static ConfigurableApplicationContext startPortal(TestCluster cluster, String issuer,
            org.springframework.context.ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
            String... args) {
        cluster.ensureNamespace("llm-api-keys");
        var all = new ArrayList<>(List.of(
                "--spring.profiles.active=portal",
                "--auth.oidc.issuerURL=" + issuer,
                "--cluster.kubeconfig=" + cluster.kubeconfig()));
        all.addAll(List.of(args));
        var app = start(initializer, all.toArray(String[]::new));
        var catalog = app.getBean(ModelCatalog.class);
        await("the model catalog").atMost(Duration.ofSeconds(20)).until(catalog::hasSynced);
        return app;
    }
}
