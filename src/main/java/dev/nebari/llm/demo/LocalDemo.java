package dev.nebari.llm.demo;

import dev.nebari.llm.demo.idp.DemoUser;
import dev.nebari.llm.localcluster.EmbeddedCluster;
import dev.nebari.llm.platform.PackSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * The local demo once the application is up: one block that says where everything is (portal, demo users, OIDC
 * issuer, kubectl), then the demo models applied to the embedded cluster and, when all are Ready, one line with the
 * time since the JVM started. Models go only into the embedded cluster: a demo never writes to a real one.
 */
public final class LocalDemo implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(LocalDemo.class);
    private static final String RULE = "=".repeat(100);
    /** Fails (exit status 22) with the problem's body on an error, so a script notices. */
    static final String API_CALL = "curl -sS --fail-with-body -H \"Authorization: Bearer $TOKEN\" %s/api/v1/keys";

    private final DemoSettings settings;
    private final PackSettings pack;
    private final @Nullable EmbeddedCluster cluster;
    private final @Nullable DemoModels models;
    private final @Nullable DemoIdentityProvider identityProvider;
    private final @Nullable DemoGateway gateway;
    private volatile @Nullable Duration readyAfter;

    LocalDemo(DemoSettings settings, PackSettings pack, @Nullable EmbeddedCluster cluster, @Nullable DemoModels models,
            @Nullable DemoIdentityProvider identityProvider, @Nullable DemoGateway gateway) {
        this.settings = settings;
        this.pack = pack;
        this.cluster = cluster;
        this.models = models;
        this.identityProvider = identityProvider;
        this.gateway = gateway;
    }

    /** Time from the JVM's start until every demo model was Ready; empty until then. */
    public Optional<Duration> readyAfter() {
        return Optional.ofNullable(readyAfter);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        var port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        log.info("\n{}", announcement("http://localhost:" + port));
        if (models == null) {
            if (!settings.models().isEmpty()) {
                log.warn("Demo models not applied: the application uses a configured cluster, and the demo only "
                        + "writes to the embedded one (cluster.embedded)");
            }
            return;
        }
        Thread.ofVirtual().name("demo-models").start(this::applyAndAwaitModels);
    }

    private void applyAndAwaitModels() {
        var demoModels = java.util.Objects.requireNonNull(models);
        try {
            if (gateway != null && gateway.start()) {
                log.info("Demo gateway ready: API keys at {}/v1, OIDC tokens at {}/v1 (simulated models answer behind it)",
                        gatewayUrl(settings.gateway().externalPort()), gatewayUrl(settings.gateway().internalPort()));
            }
            demoModels.apply(pack.apiKeysNamespace());
            log.info("Demo models applied: {}; waiting until they are Ready", String.join(", ", demoModels.names()));
            if (demoModels.awaitReady(settings.readyTimeout())) {
                var took = Duration.ofMillis(System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
                readyAfter = took;
                log.info("Nebari LLM Serving demo ready in {} s (since the JVM started): {} models Ready",
                        String.format(java.util.Locale.ROOT, "%.1f", took.toMillis() / 1000.0), demoModels.names().size());
            } else {
                log.warn("Demo models not Ready after {}: {}", settings.readyTimeout(), demoModels.notReady());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Demo models could not be applied: {}", e.getMessage(), e);
        }
    }

    String announcement(String portalUrl) {
        var text = new StringBuilder(RULE).append('\n')
                .append(" Nebari LLM Serving: local demo\n\n")
                .append(line("Portal", portalUrl + "   (REST API: " + portalUrl + "/api/v1, OpenAPI: " + portalUrl + "/v3/api-docs)"));
        text.append(line("Swagger UI", portalUrl + "/swagger-ui.html"
                + (identityProvider != null && !identityProvider.apiClientId().isBlank()
                        ? "   (Authorize: sign in as a demo user, then \"Try it out\")" : "")));
        if (identityProvider != null) {
            var first = true;
            for (var user : DemoUser.ALL) {
                text.append(line(first ? "Demo users" : "", "%-18s password %-11s groups: %s".formatted(user.username(),
                        user.password(), user.groups().isEmpty() ? "none" : String.join(", ", user.groups()))));
                first = false;
            }
            text.append(line("OIDC issuer", identityProvider.issuer() + "   (discovery: " + identityProvider.issuer()
                    + "/.well-known/openid-configuration)"));
            text.append(line("API token", "as the portal's client (client credentials: no user, no groups), then a call with it:"));
            text.append(line("", identityProvider.tokenCommand()));
            text.append(line("", API_CALL.formatted(portalUrl)));
        } else {
            text.append(line("OIDC issuer", pack.auth().oidc().issuerURL().isBlank() ? "(none configured)" : pack.auth().oidc().issuerURL()));
        }
        if (cluster != null) {
            text.append(line("Kubernetes", "kubeconfig " + cluster.kubeconfig()));
            text.append(line("", "kubectl --kubeconfig " + cluster.kubeconfig() + " get llm -A"));
            text.append(line("", cluster.simulatesWorkloads()
                    ? "simulated nodes: pods \"run\" on a fake GPU node (KWOK); no model is really served"
                    : "API server only: pods are not scheduled (cluster.embeddedControllers=false)"));
        }
        if (models != null) {
            text.append(line("Demo models", models.names().stream().collect(Collectors.joining(", "))
                    + "   (Ready in about a minute; a line below says when)"));
        }
        if (gateway != null) {
            var external = gatewayUrl(settings.gateway().externalPort()) + "/v1";
            text.append(line("Gateway", external + "   (API keys, OpenAI-compatible: " + external + "/chat/completions)"));
            text.append(line("", gatewayUrl(settings.gateway().internalPort()) + "/v1   (access tokens of the demo OIDC provider)"));
            text.append(line("", "a real Envoy AI Gateway; the models behind it are simulated: they answer, they do not think"));
        }
        return text.append(RULE).toString();
    }

    private static String gatewayUrl(int port) {
        return "http://localhost:" + port;
    }

    private static String line(String label, String value) {
        return String.format(" %-13s %s%n", label, value);
    }
}
