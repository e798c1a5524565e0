package dev.nebari.llm.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The chart's version comes from one place, pom.xml's {@code <version>} (without {@code -SNAPSHOT}): Chart.yaml's
 * version and appVersion (which is also the application image's tag) and the downloader image's tag must be it, and
 * the packaged chart is named for it. Chart.yaml's Artifact Hub metadata lists what a default install really runs.
 */
class ChartVersionTest {

    private static final Path ROOT = ChartRenderer.CHART_DIR.getParent().getParent();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chartYaml() {
        return Serialization.unmarshal(ChartFiles.read(ChartRenderer.CHART_DIR.resolve("Chart.yaml")), Map.class);
    }

    private static String release() throws IOException {
        return ChartPackager.releaseVersion(ChartPackager.projectVersion(ROOT.resolve("pom.xml")));
    }

    @Test
    void chartVersionAndAppVersionAreThePomsVersion() throws IOException {
        assertThat(chartYaml()).containsEntry("version", release()).containsEntry("appVersion", release());
    }

    @Test
    void theImagesOfThePackCarryThatVersion() throws IOException {
        var chart = ChartRenderer.installable().rendered();
        assertThat(chart.all(Deployment.class)).allSatisfy(d -> assertThat(RenderedChart.app(d).getImage()).endsWith(":" + release()));

        var downloader = (String) ChartFiles.valueLeaves().get("defaults.downloader.image");
        assertThat(downloader).endsWith(":" + release());
        var bound = new Binder(new MapConfigurationPropertySource(Map.of("platform.baseDomain", "nebari.example.com")))
                .bindOrCreate("", PackSettings.class);
        assertThat(bound.defaults().downloader().image()).as("the application's own default").isEqualTo(downloader);
    }

    @Test
    void releaseVersionDropsTheSnapshotSuffix() {
        assertThat(ChartPackager.releaseVersion("0.2.0-SNAPSHOT")).isEqualTo("0.2.0");
        assertThat(ChartPackager.releaseVersion("0.2.0")).isEqualTo("0.2.0");
    }

    @Test
    void artifactHubListsTheImagesADefaultInstallRuns() {
        @SuppressWarnings("unchecked")
        var annotations = (Map<String, String>) chartYaml().get("annotations");
        List<Map<String, String>> listed = Serialization.unmarshal(annotations.get("artifacthub.io/images"), List.class);

        var chart = ChartRenderer.installable().rendered();
        var images = new TreeSet<String>();
        chart.all(Deployment.class).flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
                .map(Container::getImage).forEach(images::add);
        chart.all(Pod.class).flatMap(p -> p.getSpec().getContainers().stream()).map(Container::getImage).forEach(images::add);
        // the model pods' images are settings the operator uses
        Stream.of("defaults.serving.image", "defaults.epp.image", "defaults.downloader.image")
                .map(path -> (String) chart.applicationConfig(path).orElseThrow()).forEach(images::add);

        assertThat(listed).extracting(entry -> entry.get("image")).containsExactlyInAnyOrderElementsOf(images);
    }

    @Test
    void artifactHubNamesTheCrdsOfTheChart() throws java.io.IOException {
        @SuppressWarnings("unchecked")
        var annotations = (Map<String, String>) chartYaml().get("annotations");
        List<Map<String, String>> crds = Serialization.unmarshal(annotations.get("artifacthub.io/crds"), List.class);
        var shipped = new java.util.ArrayList<io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition>();
        try (var files = java.nio.file.Files.list(ChartRenderer.CHART_DIR.resolve("crds"))) {
            for (var file : files.sorted().toList()) {
                shipped.add(Serialization.unmarshal(ChartFiles.read(file),
                        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class));
            }
        }

        assertThat(crds).extracting(entry -> entry.get("name") + " " + entry.get("kind") + " " + entry.get("version"))
                .containsExactlyInAnyOrderElementsOf(shipped.stream().map(crd -> crd.getMetadata().getName() + " "
                        + crd.getSpec().getNames().getKind() + " " + crd.getSpec().getVersions().getFirst().getName()).toList());
    }

    @Test
    void packagesTheWholeChartNamedForTheVersion(@TempDir Path out) throws IOException {
        var projectVersion = ChartPackager.projectVersion(ROOT.resolve("pom.xml"));

        var tarball = ChartPackager.pack(ChartRenderer.CHART_DIR, out, projectVersion);

        assertThat(tarball.getFileName()).hasToString("nebari-llm-serving-" + release() + ".tgz");
        assertThat(entries(tarball)).contains("nebari-llm-serving/Chart.yaml", "nebari-llm-serving/values.schema.json",
                "nebari-llm-serving/crds/llmmodels.llm.nebari.dev.yaml", "nebari-llm-serving/crds/passthroughmodels.llm.nebari.dev.yaml",
                "nebari-llm-serving/dashboards/nebari-llm-serving.json",
                "nebari-llm-serving/templates/tests/readiness.yaml", "nebari-llm-serving/README.md");
    }

    @Test
    void packagingStopsWhenChartYamlHasAnotherVersion(@TempDir Path out) {
        assertThatThrownBy(() -> ChartPackager.pack(ChartRenderer.CHART_DIR, out, "9.9.9-SNAPSHOT"))
                .hasMessageContaining("Chart.yaml version is " + chartYaml().get("version"))
                .hasMessageContaining("set version to 9.9.9");
    }

    private static List<String> entries(Path tarball) throws IOException {
        var names = new ArrayList<String>();
        try (InputStream in = Files.newInputStream(tarball); var tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
