package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LeaderElectionSettings.class)
class LeaderElectionConfiguration {

    @Bean
    LeaderGate leaderGate(KubernetesClient client, LeaderElectionSettings settings, ApplicationEventPublisher events,
            Environment environment) {
        var operator = environment.matchesProfiles("operator");
        return new LeaderGate(client, settings, operator ? settings.operatorLeaseName() : settings.portalLeaseName(),
                events);
    }

    /** The campaign starts once the application is ready and serving (see {@link LeaderGate#isAutoStartup()}). */
    @Bean
    ApplicationListener<ApplicationReadyEvent> campaignForLeadershipWhenReady(LeaderGate gate) {
        return ready -> gate.start();
    }
}
