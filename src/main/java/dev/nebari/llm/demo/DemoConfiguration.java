package dev.nebari.llm.demo;

import dev.nebari.llm.demo.idp.DemoUser;
import dev.nebari.llm.demo.idp.IdentityProviderSetup;
import dev.nebari.llm.identity.LoginClientSettings;
import dev.nebari.llm.localcluster.EmbeddedCluster;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The demo's beans; none exists unless {@code demo.enabled} or {@code demo.identityProvider.enabled} is on. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DemoSettings.class)
class DemoConfiguration {

    /** The issuer is the portal's {@code auth.oidc.issuerURL}, so the two can never disagree about it. */
    @Bean
    @ConditionalOnBooleanProperty("demo.identity-provider.enabled")
    DemoIdentityProvider demoIdentityProvider(DemoSettings demo, PackSettings pack, LoginClientSettings login,
            Environment environment) {
        var issuer = pack.auth().oidc().issuerURL();
        if (issuer.isBlank()) {
            throw new IllegalStateException("demo.identityProvider.enabled needs auth.oidc.issuerURL, e.g. http://localhost:9000");
        }
        var portalUrl = demo.identityProvider().portalUrl().isBlank()
                ? "http://localhost:" + environment.getProperty("server.port", "8080")
                : demo.identityProvider().portalUrl().replaceAll("/+$", "");
        var portalUrls = new ArrayList<String>();
        portalUrls.add(portalUrl);
        // The same portal reached as 127.0.0.1 (the redirect URI follows the host the browser used).
        if ("localhost".equals(URI.create(portalUrl).getHost())) {
            portalUrls.add(portalUrl.replaceFirst("//localhost", "//127.0.0.1"));
        }
        return new DemoIdentityProvider(new IdentityProviderSetup(issuer, login.clientId().strip(), login.clientSecret().strip(),
                pack.auth().oidc().apiClientId().strip(), portalUrls, DemoUser.ALL));
    }

    @Bean
    @ConditionalOnBooleanProperty("demo.enabled")
    LocalDemo localDemo(DemoSettings demo, PackSettings pack, ObjectProvider<EmbeddedCluster> cluster,
            KubernetesClient client, ObjectProvider<DemoIdentityProvider> identityProvider,
            ObjectProvider<DemoGateway> gateway) {
        var embedded = cluster.getIfAvailable();
        var models = embedded == null || demo.models().isEmpty() ? null
                : DemoModels.read(client, demo.namespace(), demo.models());
        // The gateway serves only the demo models, which exist only in the embedded cluster.
        var demoGateway = embedded == null ? null : gateway.getIfAvailable();
        return new LocalDemo(demo, pack, embedded, models, identityProvider.getIfAvailable(), demoGateway);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty("demo.gateway.enabled")
    DemoGateway demoGateway(KubernetesClient client, PackSettings pack, DemoSettings demo) {
        return new DemoGateway(client, pack, demo);
    }
}
