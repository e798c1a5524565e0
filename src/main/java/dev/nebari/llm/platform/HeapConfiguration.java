package dev.nebari.llm.platform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JVM's committed heap follows the live data after load bursts (see {@link UnusedHeapRelease}); every profile. */
@Configuration(proxyBeanMethods = false)
class HeapConfiguration {

    @Bean
    UnusedHeapRelease unusedHeapRelease() {
        return new UnusedHeapRelease();
    }
}
