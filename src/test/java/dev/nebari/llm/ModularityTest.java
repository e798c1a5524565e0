package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module structure holds, and the committed module documentation (docs/modules, the table in
 * docs/architecture.md) is the code's: verified on every build, written only when asked ({@code -Dnebari.writeDocs=true}).
 */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(LlmServingApplication.class);
    static final Path DOCS = Path.of("docs/modules");
    static final boolean WRITE_DOCS = Boolean.getBoolean("nebari.writeDocs");

    @Test
    void modulesOnlyUseTheirDeclaredDependencies() {
        MODULES.verify();
    }

    @Test
    void everyTopLevelPackageIsADocumentedModule() {
        assertThat(MODULES.stream().map(m -> m.getIdentifier().toString()))
                .contains("model", "platform");
        MODULES.forEach(module -> assertThat(Path.of("src/main/java",
                module.getBasePackage().getName().replace('.', '/'), "package-info.java"))
                .as("package-info.java of module %s", module.getIdentifier())
                .exists());
    }

    /**
     * The Documenter lists the relations between modules in an order that changes from run to run; sorting them
     * keeps the committed files stable, so a build only changes them when the structure changes.
     */
    private static void sortRelations(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            for (var file : files.filter(f -> f.toString().endsWith(".puml")).toList()) {
                var lines = Files.readAllLines(file);
                var relations = lines.stream().filter(l -> l.startsWith("Rel(")).sorted().distinct().toList();
                if (relations.isEmpty()) {
                    continue;
                }
                var first = lines.indexOf(lines.stream().filter(l -> l.startsWith("Rel(")).findFirst().orElseThrow());
                var rest = lines.stream().filter(l -> !l.startsWith("Rel(")).toList();
                var sorted = new java.util.ArrayList<String>(rest.subList(0, first));
                sorted.addAll(relations);
                sorted.addAll(rest.subList(first, rest.size()));
                Files.write(file, sorted);
            }
        }
    }

    /**
     * docs/architecture.md's module table is the one the code gives. Run with {@code -Dnebari.writeDocs=true} to
     * write it (and the diagrams below); a plain run only compares.
     */
    @Test
    void theArchitectureDocumentsModuleTableIsTheCodes() throws Exception {
        var doc = Path.of("docs/architecture.md");
        var text = Files.readString(doc);
        var expected = ModuleTable.render(MODULES);
        if (WRITE_DOCS && !ModuleTable.current(text).equals(expected)) {
            var current = ModuleTable.current(text);
            Files.writeString(doc, current.isEmpty() ? text + "\n" + expected + "\n" : text.replace(current, expected));
            text = Files.readString(doc);
        }
        assertThat(ModuleTable.current(text)).as("the module table in %s (regenerate: ./mvnw test -Dtest=ModularityTest "
                + "-Dnebari.writeDocs=true)", doc).isEqualTo(expected);
    }

    /** Every module says what it is, and what it declares it may use is what it uses. */
    @Test
    void everyModuleDeclaresExactlyTheModulesItUses() {
        var differences = new java.util.ArrayList<String>();
        MODULES.forEach(module -> {
            assertThat(ModuleTable.firstSentence(module)).as("what module %s is", module.getIdentifier()).isNotBlank();
            var used = ModuleTable.uses(module, MODULES);
            var declared = ModuleTable.declared(module).stream().map(name -> name.split(" :: ")[0]).distinct().sorted().toList();
            if (!declared.equals(used)) {
                differences.add(module.getIdentifier() + " declares " + declared + " but uses " + used);
            }
        });
        assertThat(differences).as("allowed dependencies no module uses (remove them from package-info)").isEmpty();
    }

    /**
     * The packaged jar, and so the image, leaves out the modules only local runs use (pom.xml's maven-jar-plugin
     * excludes): no module left in may use one of them, or the image would miss its classes.
     */
    @Test
    void noModuleThePackagedJarKeepsUsesOneItLeavesOut() throws Exception {
        var leftOut = java.util.regex.Pattern.compile("<exclude>dev/nebari/llm/([a-z]+)/\\*\\*</exclude>")
                .matcher(Files.readString(Path.of("pom.xml"))).results().map(m -> m.group(1)).toList();
        assertThat(leftOut).containsExactlyInAnyOrder("localcluster", "localgateway", "demo");
        MODULES.stream().filter(module -> !leftOut.contains(module.getIdentifier().toString())).forEach(module ->
                assertThat(ModuleTable.uses(module, MODULES)).as("modules %s uses", module.getIdentifier())
                        .doesNotContainAnyElementsOf(leftOut));
    }

    /**
     * The committed diagrams and canvases in docs/modules are what Spring Modulith's Documenter draws from the code:
     * drawn into target/ and compared; written to docs/modules only with {@code -Dnebari.writeDocs=true}.
     */
    @Test
    void theModuleDiagramsAndCanvasesAreTheCodes() throws Exception {
        var drawn = Path.of("target", "module-docs");
        draw(drawn);
        if (WRITE_DOCS) {
            draw(DOCS);
        }
        try (var files = Files.list(drawn)) {
            for (var file : files.sorted().toList()) {
                assertThat(DOCS.resolve(file.getFileName())).as("docs/modules/%s (regenerate: ./mvnw test "
                        + "-Dtest=ModularityTest -Dnebari.writeDocs=true)", file.getFileName()).hasSameTextualContentAs(file);
            }
        }
    }

    private static void draw(Path folder) throws java.io.IOException {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(folder.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        sortRelations(folder);
    }
}
