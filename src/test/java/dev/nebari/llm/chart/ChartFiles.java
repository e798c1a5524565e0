package dev.nebari.llm.chart;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The chart's own files, read as the tests need them. */
final class ChartFiles {

    static final Path VALUES = ChartRenderer.CHART_DIR.resolve("values.yaml");
    static final Path README = ChartRenderer.CHART_DIR.resolve("README.md");
    static final Path ARGOCD_EXAMPLE = ChartRenderer.CHART_DIR.getParent().getParent().resolve("examples/argocd-application.yaml");

    private ChartFiles() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** values.yaml as a tree. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> values() {
        return Serialization.unmarshal(read(VALUES), Map.class);
    }

    /** Every leaf of values.yaml by dotted path, with its default. */
    static Map<String, Object> valueLeaves() {
        return ValuePaths.leaves(values());
    }
}
