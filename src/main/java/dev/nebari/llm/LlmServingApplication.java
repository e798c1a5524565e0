package dev.nebari.llm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.modulith.Modulithic;

/**
 * Nebari LLM Serving: the LLMModel operator ({@code operator} profile) and the key portal and REST API
 * ({@code portal} profile) in one application; both run when no profile is chosen.
 */
@Modulithic(systemName = "Nebari LLM Serving")
// The authorization server on the classpath is the local demo's identity provider, which runs in a context of its
// own (dev.nebari.llm.demo); the application itself is no authorization server and gets none of its beans. Named,
// not Class literals: the packaged jar leaves the authorization server out (pom.xml), and there a Class literal
// could not be resolved.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration"})
public class LlmServingApplication {

    public static void main(String[] args) {
        SpringApplication.run(LlmServingApplication.class, args);
    }
}
