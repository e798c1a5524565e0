package dev.nebari.llm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.chart.ChartRenderer;
import dev.nebari.llm.localcluster.KubernetesBinaries;
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
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commands and paths in README.md, the chart README, docs/, examples/ and compose-dev/ work as written: every
 * `kubectl` line parses with the kubectl we test against (run with --help, which validates the subcommand and every
 * flag without touching a cluster), every `helm` install/upgrade/template of our chart renders with the values it
 * passes, every file a command or link points at exists, and every example a reader is told to apply is one that a
 * test applies to a real API server.
 *
 * <p>Every documented command is exercised by a test named in {@link #EXERCISED}: a command of a new kind (a new
 * first word, or curl in a file whose curl commands no test replays) fails {@link #everyDocumentedCommandIsExercisedByATest}
 * until a test covers it. The READMEs under bench/ are not scanned: their commands ({@code bench/keys/run.sh} and so
 * on) are benchmarks that take minutes on a quiet machine and are run by hand, not by the test command; no smoke
 * test exercises them.
 */
class DocsCommandsTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_PATH = Pattern.compile("`((?:examples|docs|charts|compose-dev|src|scripts|config)/[^`\\s]*)`");
    private static final Set<String> HELM_VERBS = Set.of("install", "upgrade", "template", "lint", "rollback", "uninstall", "status");
    private static final Set<String> OUR_CHART = Set.of("charts/nebari-llm-serving", "charts/nebari-llm-serving/");

    /**
     * Which test exercises which documented commands: those starting with the words of {@code command}, in
     * {@code file} (any file when null), and how.
     */
    record Exercise(String command, @Nullable String file, String by, String how) {
        boolean covers(Command documented) {
            var words = List.of(command.split(" "));
            return documented.words().size() >= words.size() && documented.words().subList(0, words.size()).equals(words)
                    && (file == null || file.equals(documented.source()));
        }
    }

    /** Where the README's test command runs: CI itself. */
    static final String CI_SCRIPT = ".ci/run";

    static final List<Exercise> EXERCISED = List.of(
            new Exercise("kubectl", null, "dev.nebari.llm.docs.DocsCommandsTest",
                    "parsed with --help by the kubectl we test against; every file it applies is applied by a test"),
            new Exercise("helm", null, "dev.nebari.llm.docs.DocsCommandsTest",
                    "our chart rendered with the command's values files and --set values"),
            new Exercise("curl", "docs/rest-api.md", "dev.nebari.llm.docs.RestApiDocsTest",
                    "replayed against the running portal with real tokens"),
            new Exercise("curl", "docs/api-tokens.md", "dev.nebari.llm.api.ApiTokensBrowserTest",
                    "run in bash as written against a real Keycloak (device grant confirmed in Chromium, client credentials), "
                            + "their tokens calling the running portal"),
            new Exercise("curl", "docs/using-models.md", "dev.nebari.llm.portal.UsingModelsDocsTest",
                    "compared with the portal's snippets and the gateway objects the operator renders (no Envoy here)"),
            new Exercise("curl", "docs/local-demo.md", "dev.nebari.llm.demo.LocalDemoTest",
                    "the portal's curl and Python snippets for a minted key run as printed through the demo's gateway"),
            new Exercise("curl", "compose-dev/README.md", "dev.nebari.llm.docs.ComposeDevTest",
                    "port, realm, client and user checked against compose.yaml and the realm file (no Docker here)"),
            new Exercise("docker compose", "compose-dev/README.md", "dev.nebari.llm.docs.ComposeDevTest",
                    "the services, files and paths they name checked against compose.yaml (no Docker here)"),
            new Exercise("./mvnw spring-boot:run", null, "dev.nebari.llm.demo.LocalDemoTest",
                    "the demo started with the run command's arguments; LocalDemoCommandTest binds its environment variables"),
            new Exercise("./mvnw spring-boot:run", "docs/local-demo.md", "dev.nebari.llm.demo.LocalDemoCommandTest",
                    "the documented environment variables bind to the settings they name"),
            new Exercise("./mvnw verify", null, CI_SCRIPT, "the test command itself: CI runs it"),
            new Exercise("scripts/import-predecessor-keys.sh", "docs/migration.md", "dev.nebari.llm.api.PredecessorKeyImportScriptTest",
                    "run with the real kubectl against predecessor-shaped key objects, posting to the running portal"),
            new Exercise("export", null, "dev.nebari.llm.docs.DocsCommandsTest",
                    "the variable is used by a command after it, which is exercised"),
            new Exercise("cd", null, "dev.nebari.llm.docs.DocsCommandsTest",
                    "the directory exists; the commands after it resolve their paths from it"));

    /** Variables read by a program rather than written into a later command. */
    private static final Map<String, String> READ_BY_PROGRAM = Map.of("KUBECONFIG", "kubectl",
            "API", "scripts/import-predecessor-keys.sh", "TOKEN", "scripts/import-predecessor-keys.sh",
            "SUBJECT_OF", "scripts/import-predecessor-keys.sh");

    /**
     * One shell command from a fenced block: its words, the directory it runs in (relative to the root), where it
     * was written, and the text of its block after it.
     */
    record Command(List<String> words, Path cwd, String source, String after) {
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
            for (var block : DocumentedCommands.blocks(source, DocumentedCommands.SHELL)) {
                var cwd = Path.of("");
                var lines = block.logicalLines();
                for (int i = 0; i < lines.size(); i++) {
                    var after = String.join("\n", lines.subList(i + 1, lines.size()));
                    for (var words : DocumentedCommands.split(DocumentedCommands.tokenize(lines.get(i)))) {
                        if (words.isEmpty()) {
                            continue;
                        }
                        commands.add(new Command(words, cwd, source, after));
                        if (words.get(0).equals("cd") && words.size() > 1) {
                            cwd = cwd.resolve(words.get(1)).normalize();
                        }
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

    static Stream<Command> exportCommands() {
        return commands().stream().filter(c -> c.words().get(0).equals("export"));
    }

    static Stream<Command> cdCommands() {
        return commands().stream().filter(c -> c.words().get(0).equals("cd"));
    }

    @Test
    void docsHaveCommandsToCheck() {
        assertThat(kubectlCommands()).hasSizeGreaterThan(10);
        assertThat(helmCommands().filter(c -> c.words().stream().anyMatch(OUR_CHART::contains))).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void everyDocumentedCommandIsExercisedByATest() {
        var unexercised = commands().stream().filter(c -> EXERCISED.stream().noneMatch(e -> e.covers(c))).toList();
        assertThat(unexercised).as("documented commands that no test exercises: add a test and an entry to EXERCISED").isEmpty();
    }

    @Test
    void everyExercisingTestExists() throws Exception {
        for (var exercise : EXERCISED) {
            if (exercise.by().equals(CI_SCRIPT)) {
                assertThat(RepoFiles.path(CI_SCRIPT)).isRegularFile();
                continue;
            }
            var test = Class.forName(exercise.by());
            assertThat(Stream.of(test.getDeclaredMethods())
                    .filter(m -> m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class)))
                    .as("tests in %s", exercise.by()).isNotEmpty();
        }
        // Entries that cover nothing would hide a rename of the docs.
        var documented = commands();
        assertThat(EXERCISED).allSatisfy(e -> assertThat(documented).as("documented commands for %s", e).anyMatch(e::covers));
    }

    @Test
    void theReadmesTestCommandIsWhatCiRuns() {
        var documented = commands().stream()
                .filter(c -> c.source().equals("README.md") && c.words().equals(List.of("./mvnw", "verify"))).toList();
        assertThat(documented).isNotEmpty();
        var ci = RepoFiles.read(CI_SCRIPT).lines()
                .flatMap(line -> DocumentedCommands.split(DocumentedCommands.tokenize(line)).stream())
                .filter(words -> !words.isEmpty() && words.get(0).equals("./mvnw"))
                .toList();
        assertThat(ci).as("./mvnw commands in %s", CI_SCRIPT).singleElement()
                .satisfies(words -> assertThat(words).contains("verify").allMatch(w -> w.equals("./mvnw") || w.equals("verify") || w.equals("-B")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exportCommands")
    void exportedVariablesAreUsedByTheCommandsAfterThem(Command command) {
        var line = String.join(" ", command.words());
        assertThat(command.words()).as("export sets a variable").hasSizeGreaterThan(1);
        for (var variable : DocumentedCommands.assignments(line).keySet()) {
            var usedInText = Pattern.compile("\\$\\{?" + variable + "\\b").matcher(command.after()).find();
            var program = READ_BY_PROGRAM.get(variable);
            var readByProgram = program != null && command.after().lines()
                    .anyMatch(l -> l.strip().startsWith(program + " "));
            assertThat(usedInText || readByProgram).as("%s is used after %s", variable, command).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cdCommands")
    void cdGoesToADirectoryOfTheRepository(Command command) {
        assertThat(command.words()).hasSize(2);
        assertThat(RepoFiles.path(command.cwd().resolve(command.words().get(1)).normalize().toString())).isDirectory();
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
