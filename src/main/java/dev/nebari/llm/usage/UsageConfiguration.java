package dev.nebari.llm.usage;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UsageSettings.class)
class UsageConfiguration {

    @Bean
    GatewayUsage gatewayUsage(UsageSettings settings) {
        return new GatewayUsage(settings, Clock.systemUTC());
    }
}
