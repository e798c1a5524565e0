package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LeaderElectionSettings.class)
class LeaderElectionConfiguration {

    @Bean
    LeaderGate leaderGate(KubernetesClient client, LeaderElectionSettings settings, ApplicationEventPublisher events) {
        return new LeaderGate(client, settings, events);
    }
}
