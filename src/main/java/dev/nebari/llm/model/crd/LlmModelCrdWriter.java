package dev.nebari.llm.model.crd;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Build step (run by Maven in {@code process-classes}): generates the LLMModel and PassthroughModel CRDs from the Java types with the
 * fabric8 CRD generator and writes it to every directory given as an argument (the classpath copy used by the
 * embedded cluster, and the Helm chart's {@code crds/}).
 *
 * <p>Two fixes on top of the generator: it sorts printer columns by JSON path, so they are put back in the
 * order kubectl users expect; and a CEL rule on a record component reaches it twice (from the field and from the
 * accessor), so duplicate rules are dropped.
 */
public final class LlmModelCrdWriter {

    /**
     * Printer columns in display order: what kubectl get shows of a model (download progress while downloading) and
     * of an external provider (the two kinds share the names they have in common).
     */
    static final List<String> COLUMN_ORDER = List.of("Ready", "Phase", "Model", "Provider", "Models", "Replicas", "Download",
            "Endpoint", "Age");

    static final String HEADER = """
            # Generated from the Java types in dev.nebari.llm.model by LlmModelCrdWriter during the Maven build.
            # Do not edit: change the types and run ./mvnw process-classes.
            """;

    private LlmModelCrdWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: LlmModelCrdWriter <output dir>...");
        }
        var scratch = Files.createTempDirectory("crd");
        new CRDGenerator()
                .customResourceClasses(LLMModel.class, PassthroughModel.class)
                .forCRDVersions("v1")
                .withMinQuotes(true)
                .withPostProcessor(new Tidy())
                .inOutputDir(scratch.toFile())
                .generate();
        for (var crd : List.of(LLMModel.CRD_NAME, PassthroughModel.CRD_NAME)) {
            var generated = Files.readString(scratch.resolve(crd + "-v1.yml")).replaceFirst("^#[^\n]*\n", "");
            for (var dir : args) {
                var target = Path.of(dir);
                Files.createDirectories(target);
                Files.writeString(target.resolve(crd + ".yaml"), HEADER + generated);
            }
        }
    }

    /** Restores the column order and removes duplicate validation rules. */
    static final class Tidy implements CRDPostProcessor {
        @Override
        public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            for (var version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
                var columns = new ArrayList<>(version.getAdditionalPrinterColumns());
                columns.sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> COLUMN_ORDER.indexOf(c.getName())));
                version.setAdditionalPrinterColumns(columns);
                dedupeRules(version.getSchema().getOpenAPIV3Schema());
            }
            return crd;
        }

        private static void dedupeRules(JSONSchemaProps schema) {
            if (schema == null) {
                return;
            }
            var rules = schema.getXKubernetesValidations();
            if (rules != null && !rules.isEmpty()) {
                var unique = new LinkedHashSet<ValidationRule>(rules);
                schema.setXKubernetesValidations(new ArrayList<>(unique));
            }
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(Tidy::dedupeRules);
            }
            if (schema.getItems() != null) {
                dedupeRules(schema.getItems().getSchema());
            }
            if (schema.getAdditionalProperties() != null) {
                dedupeRules(schema.getAdditionalProperties().getSchema());
            }
        }
    }
}
