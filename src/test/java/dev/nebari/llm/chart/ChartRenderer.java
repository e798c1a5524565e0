package dev.nebari.llm.chart;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the chart with embedded Helm (no helm binary, no download) and parses the result into typed objects.
 * Immutable: each {@link #with} returns a new renderer, so a test can derive variants from one fixture. Later tiers
 * (applying the objects to a real API server, RBAC impersonation) start from {@link #render()}.
 */
public final class ChartRenderer {

    public static final Path CHART_DIR = locateChart();
    public static final String RELEASE = "pack";
    public static final String NAMESPACE = "nebari-llm";
    public static final String BASE_DOMAIN = "nebari.example.com";

    private final Map<String, Object> overrides;

    private ChartRenderer(Map<String, Object> overrides) {
        this.overrides = overrides;
    }

    /** The chart's own values.yaml and nothing else (platform.baseDomain is unset, so rendering fails). */
    public static ChartRenderer bare() {
        return new ChartRenderer(Map.of());
    }

    /** The smallest installable configuration: the defaults plus the one required value. */
    public static ChartRenderer installable() {
        return bare().with("platform.baseDomain", BASE_DOMAIN);
    }

    /** Sets a value by its dotted path (e.g. {@code keyManager.enabled}); lists and maps replace the default. */
    public ChartRenderer with(String path, Object value) {
        var next = new LinkedHashMap<>(overrides);
        next.put(path, value);
        return new ChartRenderer(next);
    }

    public ChartRenderer withAll(Map<String, Object> values) {
        var next = new LinkedHashMap<>(overrides);
        next.putAll(values);
        return new ChartRenderer(next);
    }

    /** Helm's output as text (without the CRDs, which Helm installs from crds/ and never templates). */
    public String renderText() {
        Path valuesFile = null;
        try {
            valuesFile = Files.createTempFile("chart-values-", ".yaml");
            Files.writeString(valuesFile, Serialization.asYaml(ValuePaths.nest(overrides)));
            return new Helm(CHART_DIR).template()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .skipCrds()
                    .withValuesFile(valuesFile)
                    .call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            // helm-java reports template and schema errors as IllegalStateException carrying Helm's message.
            throw new ChartRenderingException(e.getMessage(), e);
        } finally {
            deleteQuietly(valuesFile);
        }
    }

    /** The rendered objects, parsed by fabric8 into their typed classes (unknown kinds as generic resources). */
    public List<HasMetadata> render() {
        return parse(renderText());
    }

    public RenderedChart rendered() {
        return new RenderedChart(render());
    }

    static List<HasMetadata> parse(String manifests) {
        var objects = new ArrayList<HasMetadata>();
        for (var document : manifests.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            objects.add(Serialization.unmarshal(document, HasMetadata.class));
        }
        return List.copyOf(objects);
    }

    private static Path locateChart() {
        // Surefire passes the CRD directory of the chart; elsewhere (an IDE) the working directory is the project.
        var crdDir = System.getProperty("nebari.crdDir");
        var chart = crdDir != null ? Path.of(crdDir).getParent() : Path.of("charts", "nebari-llm-serving");
        return chart.toAbsolutePath().normalize();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A leftover temp file is harmless.
            }
        }
    }

    /** Helm refused to render: a schema violation, a failed {@code required}, or a template error. */
    public static final class ChartRenderingException extends RuntimeException {
        ChartRenderingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
