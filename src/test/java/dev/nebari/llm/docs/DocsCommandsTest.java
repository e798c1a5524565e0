package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.platform.embedded.KubernetesBinaries;
import dev.nebari.llm.testing.MissingParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commands and paths in README.md, the chart README, docs/, examples/ and compose-dev/ work as written: every
 * `kubectl` line parses with the kubectl we test against (run with --help, which validates the subcommand and every
 * flag without touching a cluster), every `helm` install/upgrade/template of our chart renders with the values it
 * passes, every file a command or link points at exists, and every example a reader is told to apply is one that a
 * test applies to a real API server.
 */
class DocsCommandsTest {

    private static final Pattern FENCE = Pattern.compile("(?ms)^```(bash|shell|sh)\\s*$(.*?)^```\\s*$");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_PATH = Pattern.compile("`((?:examples|docs|charts|compose-dev|src|scripts|config)/[^`\\s]*)`");
    private static final Set<String> HELM_VERBS = Set.of("install", "upgrade", "template", "lint", "rollback", "uninstall", "status");
    private static final Set<String> OUR_CHART = Set.of("charts/nebari-llm-serving", "charts/nebari-llm-serving/");

    /** One shell command from a fenced block: its words, the directory it runs in (relative to the root), where it was written. */
    record Command(List<String> words, Path cwd, String source) {
        @Override
        public String toString() {
            return source + ": " + String.join(" ", words);
        }
    }

    static Stream<Path> markdown() {
        return RepoFiles.markdownFiles().stream();
    }

    static List<Command> commands() {
        var commands = new ArrayList<Command>();
        for (var file : RepoFiles.markdownFiles()) {
            var source = RepoFiles.ROOT.relativize(file).toString();
            var matcher = FENCE.matcher(read(file));
            while (matcher.find()) {
                var cwd = Path.of("");
                var script = matcher.group(2).replaceAll("\\\\\\n", " ");
                for (var line : script.split("\\n")) {
                    for (var words : split(tokenize(line))) {
                        if (words.isEmpty()) {
                            continue;
                        }
                        if (words.get(0).equals("cd") && words.size() > 1) {
                            cwd = cwd.resolve(words.get(1)).normalize();
                        }
                        commands.add(new Command(words, cwd, source));
                    }
                }
            }
        }
        return commands;
    }

    static Stream<Command> kubectlCommands() {
        return commands().stream().filter(c -> c.words().get(0).equals("kubectl"));
    }

    static Stream<Command> helmCommands() {
        return commands().stream().filter(c -> c.words().get(0).equals("helm"));
    }

    @Test
    void docsHaveCommandsToCheck() {
        assertThat(kubectlCommands()).hasSizeGreaterThan(10);
        assertThat(helmCommands().filter(c -> c.words().stream().anyMatch(OUR_CHART::contains))).hasSizeGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectlCommands")
    void kubectlCommandParses(Command command) throws Exception {
        var kubectl = kubectl();
        var args = new ArrayList<String>();
        args.add(kubectl.toString());
        args.addAll(command.words().subList(1, command.words().size()));
        args.add("--help");
        var process = new ProcessBuilder(args).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl says: %s", output).isZero();

        for (var file : fileArguments(command.words(), "-f", "--filename")) {
            assertFileExists(command, file);
            assertAppliedByATest(command, file);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("helmCommands")
    void helmCommandIsValidAndOurChartRendersWithIt(Command command) {
        var words = command.words();
        assertThat(words).hasSizeGreaterThan(1);
        assertThat(HELM_VERBS).as("helm verb").contains(words.get(1));
        var valuesFiles = fileArguments(words, "-f", "--values");
        valuesFiles.forEach(file -> assertFileExists(command, file));
        if (words.stream().noneMatch(OUR_CHART::contains) || Set.of("uninstall", "rollback", "status").contains(words.get(1))) {
            return;
        }
        var values = new LinkedHashMap<String, Object>();
        for (var file : valuesFiles) {
            values.putAll(HelmValuesExamplesTest.leaves("", RepoFiles.yamlMap(command.cwd().resolve(file).toString())));
        }
        for (var set : fileArguments(words, "--set", "--set")) {
            var parts = set.split("=", 2);
            values.put(parts[0], scalar(parts[1]));
        }

        var chart = ChartRenderer.bare().withAll(values).rendered();

        assertThat(chart.objects()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("markdown")
    void everyLinkedOrQuotedPathExists(Path file) {
        var text = read(file);
        var missing = new ArrayList<String>();
        var links = LINK.matcher(text);
        while (links.find()) {
            var target = links.group(1).replaceFirst("#.*$", "");
            if (target.isEmpty() || target.matches("^[a-z]+:.*")) {
                continue;
            }
            if (!Files.exists(file.getParent().resolve(target))) {
                missing.add(target);
            }
        }
        var quoted = CODE_PATH.matcher(text);
        while (quoted.find()) {
            var path = quoted.group(1).replaceAll("[.,:;]+$", "");
            if (path.contains("<") || path.contains("*") || path.contains("{")) {
                continue;
            }
            if (!Files.exists(RepoFiles.path(path))) {
                missing.add(path);
            }
        }
        assertThat(missing).as("paths in %s that do not exist", RepoFiles.ROOT.relativize(file)).isEmpty();
    }

    private static void assertFileExists(Command command, String file) {
        assertThat(RepoFiles.path(command.cwd().resolve(file).toString()).normalize()).as("file of %s", command).exists();
    }

    /** A reader told to apply an example must get objects a test has shown the API server accepts. */
    private static void assertAppliedByATest(Command command, String file) {
        var relative = command.cwd().resolve(file).normalize().toString();
        if (relative.startsWith("examples/models/") || relative.startsWith("charts/nebari-llm-serving/crds")) {
            return; // LlmModelCrdTest applies every model example; the harness installs the chart's CRDs.
        }
        assertThat(KubernetesExamplesTest.APPLIED).as("%s applies %s", command, relative).contains(relative);
    }

    /** Values of a flag given as "-f x", "--filename x" or "--filename=x". */
    static List<String> fileArguments(List<String> words, String shortFlag, String longFlag) {
        var values = new ArrayList<String>();
        for (int i = 1; i < words.size(); i++) {
            var word = words.get(i);
            if ((word.equals(shortFlag) || word.equals(longFlag)) && i + 1 < words.size()) {
                values.add(words.get(++i));
            } else if (word.startsWith(longFlag + "=")) {
                values.add(word.substring(longFlag.length() + 1));
            }
        }
        return values;
    }

    private static Object scalar(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> value.matches("-?\\d+") ? Integer.parseInt(value) : value;
        };
    }

    /** Shell words of one line: quotes group, a backslash escapes, # starts a comment; operators are their own words. */
    static List<String> tokenize(String line) {
        var words = new ArrayList<String>();
        var current = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == '|' || c == ';' || c == '>' || (c == '&' && i + 1 < line.length() && line.charAt(i + 1) == '&')) {
                if (inWord) {
                    words.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
                if (c == '&') {
                    i++;
                }
                words.add(String.valueOf(c));
            } else {
                current.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(current.toString());
        }
        return words;
    }

    /** Splits a line's words into commands at |, ; and &&; drops redirections and environment assignments. */
    static List<List<String>> split(List<String> words) {
        var commands = new ArrayList<List<String>>();
        var current = new ArrayList<String>();
        for (int i = 0; i < words.size(); i++) {
            var word = words.get(i);
            switch (word) {
                case "|", ";", "&" -> {
                    commands.add(current);
                    current = new ArrayList<>();
                }
                case ">" -> i++;
                default -> current.add(word);
            }
        }
        commands.add(current);
        commands.forEach(c -> {
            while (!c.isEmpty() && c.get(0).matches("^[A-Z_]+=.*")) {
                c.remove(0);
            }
        });
        return commands;
    }

    private static Path kubectl() {
        Path kubectl;
        try {
            kubectl = KubernetesBinaries.locateOrBuild().kubectl();
        } catch (IllegalStateException e) {
            kubectl = null;
        }
        MissingParts.require(kubectl != null && Files.isExecutable(kubectl), "kubectl from scripts/k8s-test-binaries.sh");
        return kubectl;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
