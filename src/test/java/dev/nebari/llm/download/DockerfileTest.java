package dev.nebari.llm.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles are for people with Docker (scripts/build-images.sh builds the shipped images without one, and
 * ImagesIT checks that their entrypoints agree), so their essentials are checked on their text.
 */
class DockerfileTest {

    static final Path DOCKERFILE = Path.of("downloader-image/Dockerfile");

    List<String> instructions() throws IOException {
        return Files.readAllLines(DOCKERFILE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void runsOnADistrolessBase() throws IOException {
        List<String> froms = instructions().stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms.getLast()).as("the final stage is what ships").contains("distroless").contains("java25");
    }

    @Test
    void runsAsUid65532() throws IOException {
        List<String> users = instructions().stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).isNotEmpty();
        assertThat(users.getLast()).matches("USER 65532(:65532)?");
    }

    @Test
    void shipsWhatTheAssembleScriptLaysOutWhichTheBenchmarkRunsToo() throws IOException {
        assertThat(instructions()).anyMatch(l -> l.contains("downloader-image/assemble.sh /out"));
        String entrypoint = instructions().stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        // bench/download/run.sh takes the JVM flags from this JSON array: everything between java and -cp.
        assertThat(entrypoint).startsWith("ENTRYPOINT [\"/usr/bin/java\", ")
                .contains("\"-cp\", \"/app/classes:/app/lib/*\"");
        assertThat(Files.readString(Path.of("bench/download/run.sh")))
                .contains("downloader-image/assemble.sh").contains("ENTRYPOINT");
    }

    /** From a clean checkout: the build stage brings its own Maven (./mvnw would need one to install itself). */
    @Test
    void bothDockerfilesBuildWithAMavenOfTheirOwn() throws IOException {
        for (var dockerfile : List.of(DOCKERFILE, Path.of("compose-dev/Dockerfile"))) {
            var lines = Files.readAllLines(dockerfile).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow())
                    .as(dockerfile.toString()).startsWith("FROM maven:3.9").endsWith("AS build");
            assertThat(lines).as(dockerfile.toString()).noneMatch(l -> l.contains("./mvnw"));
        }
    }

    @Test
    void startsTheDownloaderEntryPoint() throws IOException {
        List<String> entrypoints = instructions().stream().filter(l -> l.startsWith("ENTRYPOINT ")).toList();
        assertThat(entrypoints).hasSize(1);
        assertThat(entrypoints.getFirst()).startsWith("ENTRYPOINT [")
                .contains("\"" + DownloaderMain.class.getName() + "\"");
    }
}
