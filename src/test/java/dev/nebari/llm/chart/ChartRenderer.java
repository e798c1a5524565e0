package dev.nebari.llm.chart;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
 * (applying the objects to a real API server, RBAC impersonation) start from {@link #render()} or
 * {@link #renderUntyped()}.
 */
public final class ChartRenderer {

    public static final Path CHART_DIR = locateChart();
    public static final String RELEASE = "pack";
    public static final String NAMESPACE = "nebari-llm";
    public static final String BASE_DOMAIN = "nebari.example.com";

    private final Map<String, Object> overrides;
    private final String release;
    private final String namespace;
    private final boolean includeCrds;

    private ChartRenderer(Map<String, Object> overrides, String release, String namespace, boolean includeCrds) {
        this.overrides = overrides;
        this.release = release;
        this.namespace = namespace;
        this.includeCrds = includeCrds;
    }

    /** The chart's own values.yaml and nothing else (platform.baseDomain is unset, so rendering fails). */
    public static ChartRenderer bare() {
        return new ChartRenderer(Map.of(), RELEASE, NAMESPACE, false);
    }

    /** The smallest installable configuration: the defaults plus the one required value. */
    public static ChartRenderer installable() {
        return bare().with("platform.baseDomain", BASE_DOMAIN);
    }

    /** Sets a value by its dotted path (e.g. {@code keyManager.enabled}); lists and maps replace the default. */
    public ChartRenderer with(String path, Object value) {
        var next = new LinkedHashMap<>(overrides);
        next.put(path, value);
        return new ChartRenderer(next, release, namespace, includeCrds);
    }

    public ChartRenderer withAll(Map<String, Object> values) {
        var next = new LinkedHashMap<>(overrides);
        next.putAll(values);
        return new ChartRenderer(next, release, namespace, includeCrds);
    }

    /**
     * Renders as release {@code name} in {@code namespace} instead of {@link #RELEASE} in {@link #NAMESPACE}, so
     * that several renderings can live in one cluster side by side (object names, cluster-scoped ones included,
     * carry the release name).
     */
    public ChartRenderer inRelease(String name, String namespace) {
        return new ChartRenderer(overrides, name, namespace, includeCrds);
    }

    /**
     * Also returns the CRDs of crds/, first, as {@code helm install} installs them before the templates. (helm-java's
     * template command has no --include-crds; Helm copies these files verbatim anyway, it never templates them.)
     */
    public ChartRenderer withCrds() {
        return new ChartRenderer(overrides, release, namespace, true);
    }

    /** Helm's output as text; without the CRDs (Helm installs crds/ and never templates it) unless {@link #withCrds()}. */
    public String renderText() {
        Path valuesFile = null;
        try {
            valuesFile = Files.createTempFile("chart-values-", ".yaml");
            Files.writeString(valuesFile, Serialization.asYaml(ValuePaths.nest(overrides)));
            var templates = new Helm(HookVisibleCopy.path()).template()
                    .withName(release)
                    .withNamespace(namespace)
                    .skipCrds()
                    .withValuesFile(valuesFile)
                    .call();
            templates = HookVisibleCopy.restore(templates);
            return includeCrds ? crds() + templates : templates;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            // helm-java reports template and schema errors as IllegalStateException carrying Helm's message.
            throw new ChartRenderingException(e.getMessage(), e);
        } finally {
            deleteQuietly(valuesFile);
        }
    }

    private static String crds() throws IOException {
        try (var files = Files.list(CHART_DIR.resolve("crds"))) {
            var crds = new StringBuilder();
            for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                crds.append("---\n").append(Files.readString(file)).append('\n');
            }
            return crds.toString();
        }
    }

    /** The rendered objects, parsed by fabric8 into their typed classes (unknown kinds as generic resources). */
    public List<HasMetadata> render() {
        return parse(renderText());
    }

    /**
     * The rendered objects exactly as Helm wrote them (every field, known to fabric8's model or not), in Helm's
     * order: what an installation sends to the API server.
     */
    public List<GenericKubernetesResource> renderUntyped() {
        return documents(renderText()).stream()
                .map(document -> Serialization.unmarshal(document, GenericKubernetesResource.class))
                .toList();
    }

    public RenderedChart rendered() {
        return new RenderedChart(render());
    }

    static List<HasMetadata> parse(String manifests) {
        return documents(manifests).stream()
                .map(document -> Serialization.<HasMetadata>unmarshal(document, HasMetadata.class))
                .toList();
    }

    private static List<String> documents(String manifests) {
        var documents = new ArrayList<String>();
        for (var document : manifests.split("(?m)^---\\s*$")) {
            if (!document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                documents.add(document);
            }
        }
        return List.copyOf(documents);
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

    /**
     * The chart as the helm CLI's {@code helm template} prints it, hooks included. Helm's library, which helm-java
     * calls, returns a release's manifest without its hooks (the {@code helm test} Pod), and the CLI appends them
     * itself. So the renderer templates a copy of the chart (made once per run) in which the hook annotation's key is
     * renamed, which keeps hook objects in the manifest, and names it back in the output: what the CLI prints.
     */
    static final class HookVisibleCopy {

        private static final String HOOK = "helm.sh/hook:";
        private static final String RENAMED = "rendered.nebari.dev/helm-hook:";
        private static Path copy;

        static synchronized Path path() throws IOException {
            if (copy == null) {
                var target = Files.createTempDirectory("chart-with-hooks-");
                var source = CHART_DIR;
                try (var files = Files.walk(source)) {
                    for (var file : files.toList()) {
                        var to = target.resolve(source.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(to);
                        } else if (file.startsWith(source.resolve("templates"))) {
                            Files.writeString(to, Files.readString(file).replace(HOOK, RENAMED));
                        } else {
                            Files.copy(file, to);
                        }
                    }
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(target), "delete-chart-copy"));
                copy = target;
            }
            return copy;
        }

        static String restore(String manifests) {
            return manifests.replace(RENAMED, HOOK);
        }

        private static void deleteTree(Path root) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(ChartRenderer::deleteQuietly);
            } catch (IOException ignored) {
                // A leftover temp directory is harmless.
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
