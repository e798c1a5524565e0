package dev.nebari.llm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.modulith.Modulithic;

/**
 * Nebari LLM Serving: the LLMModel operator ({@code operator} profile) and the key portal and REST API
 * ({@code portal} profile) in one application; both run when no profile is chosen.
 */
@Modulithic(systemName = "Nebari LLM Serving")
@SpringBootApplication
public class LlmServingApplication {

    public static void main(String[] args) {
        SpringApplication.run(LlmServingApplication.class, args);
    }
}
