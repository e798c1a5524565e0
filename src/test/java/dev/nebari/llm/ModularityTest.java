package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** The module structure holds, and the committed module documentation is regenerated from it on every build. */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(LlmServingApplication.class);
    static final Path DOCS = Path.of("docs/modules");

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
    private static void sortRelations() throws java.io.IOException {
        try (var files = Files.list(DOCS)) {
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

    @Test
    void writesModuleDiagramAndCanvases() throws Exception {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(DOCS.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        sortRelations();
        assertThat(DOCS.resolve("components.puml")).exists();
        try (var files = Files.list(DOCS)) {
            assertThat(files.filter(f -> f.toString().endsWith(".adoc"))).isNotEmpty();
        }
    }
}
