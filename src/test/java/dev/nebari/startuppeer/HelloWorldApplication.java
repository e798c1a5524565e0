package dev.nebari.startuppeer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The peer of bench/startup: the smallest Spring Boot web application with Actuator, started as the application
 * is (separate management port, readiness probe, virtual threads), to show what Spring Boot's own start costs on
 * this machine.
 *
 * <p>It runs from the test classpath, which holds every library of the application (security, Thymeleaf, the
 * OAuth2 servers, springdoc, Spring Modulith...). A real hello-world has only {@code spring-boot-starter-webmvc}
 * and {@code spring-boot-starter-actuator}, so every auto-configuration that does not come from one of their jars is
 * excluded before it is evaluated. The package lies outside {@code dev.nebari.llm} on purpose: the application's
 * component scan in tests must never find this class.
 */
@SpringBootApplication
public class HelloWorldApplication {

    /** The Spring Boot jars of spring-boot-starter-webmvc plus spring-boot-starter-actuator (Boot 4.0 modules). */
    static final Set<String> HELLO_WORLD_JARS = Set.of("spring-boot-autoconfigure", "spring-boot-jackson",
            "spring-boot-tomcat", "spring-boot-http-converter", "spring-boot-webmvc", "spring-boot-servlet",
            "spring-boot-web-server", "spring-boot-micrometer-metrics", "spring-boot-micrometer-observation",
            "spring-boot-actuator-autoconfigure", "spring-boot-health");

    @RestController
    static class Hello {
        @GetMapping("/")
        String hello() {
            return "hello";
        }
    }

    public static void main(String[] args) {
        var loader = HelloWorldApplication.class.getClassLoader();
        var excluded = new ArrayList<String>();
        for (var candidate : ImportCandidates.load(AutoConfiguration.class, loader)) {
            if (!HELLO_WORLD_JARS.contains(jarOf(loader, candidate))) {
                excluded.add(candidate);
            }
        }
        var all = new ArrayList<>(List.of(args));
        all.add("--spring.autoconfigure.exclude=" + String.join(",", excluded));
        SpringApplication.run(HelloWorldApplication.class, all.toArray(String[]::new));
    }

    /** The artifact id of the jar that holds {@code className} ("spring-boot-webmvc"), or "" outside a jar. */
    static String jarOf(ClassLoader loader, String className) {
        var url = loader.getResource(className.replace('.', '/') + ".class");
        if (url == null || !url.getProtocol().equals("jar")) {
            return "";
        }
        var path = url.getPath();
        var jar = path.substring(path.lastIndexOf('/', path.indexOf("!/")) + 1, path.indexOf("!/"));
        return jar.replaceFirst("-\\d[^-]*(-SNAPSHOT)?\\.jar$", "").replaceFirst("\\.jar$", "");
    }
}
