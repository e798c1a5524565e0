package dev.nebari.llm.chart;

import static dev.nebari.llm.chart.RenderedChart.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * operator.jvmOptions / portal.jvmOptions must win over the image's own flags. The image starts
 * {@code java @/app/jvm.options ...} (compose-dev/Dockerfile), so a flag of the chart has to come after that file: the
 * JDK here, started the same way with the environment the chart renders, shows which value the JVM ends up with.
 */
class JvmOptionsTest {

    private static final Path IMAGE_JVM_OPTIONS = ChartRenderer.CHART_DIR.getParent().getParent().resolve("config/jvm.options");

    @Test
    void theChartsJvmOptionsWinOverTheImagesJvmOptionsFile() throws Exception {
        var chart = ChartRenderer.installable().with("operator.jvmOptions", "-XX:MaxRAMPercentage=65 -XX:MaxNewSize=48m").rendered();
        var variable = "_JAVA_OPTIONS";

        var flags = finalFlags(variable, env(chart.deployment("operator"), variable));

        assertThat(flags).as("the image's file sets 55 and 32m; the chart's value must be what the JVM uses")
                .anySatisfy(line -> assertThat(line).matches("\\s*double MaxRAMPercentage\\s+= 65\\.0+\\s.*"))
                .anySatisfy(line -> assertThat(line).matches("\\s*size_t MaxNewSize\\s+= 50331648\\s.*"));
    }

    /** {@code java @config/jvm.options -XX:+PrintFlagsFinal -version} with one environment variable set. */
    private static List<String> finalFlags(String variable, String value) throws IOException, InterruptedException {
        var java = ProcessHandle.current().info().command().orElseThrow();
        var process = new ProcessBuilder(java, "@" + IMAGE_JVM_OPTIONS, "-XX:+PrintFlagsFinal", "-version")
                .redirectErrorStream(true);
        process.environment().remove("JAVA_TOOL_OPTIONS");
        process.environment().remove("JDK_JAVA_OPTIONS");
        process.environment().put(variable, value);
        var started = process.start();
        var output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(started.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(started.exitValue()).as(output).isZero();
        return output.lines().toList();
    }
}
