package dev.nebari.startuppeer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.metrics.StartupStep;

/**
 * bench/startup's analysis aid ({@code STARTUP_STEPS=1}): starts the application (its main class, with the
 * application's classes on the classpath) with a {@link BufferingApplicationStartup} and, once it is ready, prints
 * the start-up steps (bean creation, configuration class parsing...) that took longest themselves, minus their
 * nested steps.
 */
public final class StartupStepsRecorder {

    private static final int SHOWN = 30;

    public static void main(String[] args) throws ClassNotFoundException {
        var application = new SpringApplication(Class.forName("dev.nebari.llm.LlmServingApplication"));
        var startup = new BufferingApplicationStartup(100_000);
        application.setApplicationStartup(startup);
        application.addListeners((ApplicationListener<ApplicationEvent>) event -> {
            if (event instanceof ApplicationReadyEvent) {
                print(startup.getBufferedTimeline());
            }
        });
        application.run(args);
    }

    private static void print(StartupTimeline timeline) {
        var childTime = new HashMap<Long, Duration>();
        for (var event : timeline.getEvents()) {
            var parent = event.getStartupStep().getParentId();
            if (parent != null) {
                childTime.merge(parent, event.getDuration(), Duration::plus);
            }
        }
        var self = new ArrayList<Map.Entry<String, Duration>>();
        for (var event : timeline.getEvents()) {
            var step = event.getStartupStep();
            var own = event.getDuration().minus(childTime.getOrDefault(step.getId(), Duration.ZERO));
            var tags = new StringBuilder();
            for (StartupStep.Tag tag : step.getTags()) {
                tags.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
            }
            self.add(Map.entry(step.getName() + tags, own));
        }
        self.sort(Map.Entry.<String, Duration>comparingByValue().reversed());
        var total = self.stream().map(Map.Entry::getValue).reduce(Duration.ZERO, Duration::plus);
        System.out.printf("STARTUP-STEPS %d steps, %d ms in all (self time); the %d longest:%n", self.size(), total.toMillis(), SHOWN);
        self.stream().limit(SHOWN).forEach(e -> System.out.printf("STARTUP-STEPS %6d ms  %s%n", e.getValue().toMillis(),
                e.getKey().length() > 200 ? e.getKey().substring(0, 200) : e.getKey()));
    }
}
