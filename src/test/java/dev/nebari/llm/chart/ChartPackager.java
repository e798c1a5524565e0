package dev.nebari.llm.chart;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code helm package} without a helm binary (helm-java): the chart as a tarball, {@code nebari-llm-serving-<version>.tgz}.
 * The version has one source, pom.xml's {@code <version>} without {@code -SNAPSHOT}; Chart.yaml must carry it (the
 * build stops otherwise, and ChartVersionTest says where it differs). Run by ./mvnw package (exec-maven-plugin, test
 * classpath), with the chart directory, the output directory and the project version as arguments.
 */
public final class ChartPackager {

    private static final Pattern PROJECT_VERSION = Pattern.compile("(?m)^  <version>([^<]+)</version>");

    private ChartPackager() {
    }

    public static void main(String[] args) throws IOException {
        var packaged = pack(Path.of(args[0]), Path.of(args[1]), args[2]);
        System.out.println("chart: " + packaged);
    }

    /** The release version of a Maven project version: 0.2.0-SNAPSHOT is released as 0.2.0. */
    public static String releaseVersion(String projectVersion) {
        return projectVersion.replaceFirst("-SNAPSHOT$", "");
    }

    /** pom.xml's own {@code <version>} (the project's, not its parent's), as scripts/build-images.sh reads it. */
    static String projectVersion(Path pom) throws IOException {
        var matcher = PROJECT_VERSION.matcher(Files.readString(pom));
        if (!matcher.find()) {
            throw new IllegalStateException("no project <version> in " + pom);
        }
        return matcher.group(1);
    }

    /** Packages {@code chart} into {@code destination} after checking that Chart.yaml carries the release version. */
    static Path pack(Path chart, Path destination, String projectVersion) throws IOException {
        var expected = releaseVersion(projectVersion);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = Serialization.unmarshal(Files.readString(chart.resolve("Chart.yaml")), Map.class);
        for (var key : new String[] {"version", "appVersion"}) {
            if (!expected.equals(String.valueOf(metadata.get(key)))) {
                throw new IllegalStateException("Chart.yaml " + key + " is " + metadata.get(key) + " but pom.xml's version is "
                        + projectVersion + ": set " + key + " to " + expected);
            }
        }
        Files.createDirectories(destination);
        new Helm(chart).packageIt().withDestination(destination).call();
        var tarball = destination.resolve(metadata.get("name") + "-" + expected + ".tgz");
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("helm package wrote no " + tarball);
        }
        return tarball;
    }
}
