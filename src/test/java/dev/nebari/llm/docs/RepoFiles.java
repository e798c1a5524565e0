package dev.nebari.llm.docs;

import dev.nebari.llm.chart.ChartRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Files of the repository as the documentation tests read them (paths relative to the project root). */
final class RepoFiles {

    /** The project root, found from the chart the build points at, so an IDE run works too. */
    static final Path ROOT = ChartRenderer.CHART_DIR.getParent().getParent();

    private RepoFiles() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first document of a YAML file as a map (Helm values, a Compose file, the application's defaults, whose
     * later documents are profile-specific). A plain YAML parser, not fabric8's: these are not Kubernetes objects.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(String relative) {
        for (var document : new org.yaml.snakeyaml.Yaml().loadAll(read(relative))) {
            if (document instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        }
        throw new IllegalStateException(relative + " holds no YAML map");
    }

    /** Every non-empty document of a multi-document YAML file, as maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(String relative) {
        var documents = new ArrayList<Map<String, Object>>();
        for (var document : read(relative).split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
                continue;
            }
            documents.add((Map<String, Object>) new org.yaml.snakeyaml.Yaml().load(document));
        }
        return documents;
    }

    /** The Markdown files whose commands and links are checked: README.md, docs/, examples/ and compose-dev/. */
    static List<Path> markdownFiles() {
        var files = new ArrayList<Path>();
        files.add(path("README.md"));
        files.add(path("charts/nebari-llm-serving/README.md"));
        for (var dir : List.of("docs", "examples", "compose-dev")) {
            try (Stream<Path> listed = Files.list(path(dir))) {
                listed.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Value at a dotted path in a YAML tree, or null. */
    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> tree, String dotted) {
        Object node = tree;
        for (var key : dotted.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return null;
            }
            node = ((Map<String, Object>) map).get(key);
        }
        return node;
    }
}
