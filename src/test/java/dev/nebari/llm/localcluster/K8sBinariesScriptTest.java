package dev.nebari.llm.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first run builds the Kubernetes binaries for 10-20 minutes; scripts/k8s-test-binaries.sh must say what it is
 * doing while it does. Run here with a stand-in {@code go} that takes two seconds per step and a one-second progress
 * interval (the real default is 15 s).
 */
class K8sBinariesScriptTest {

    static final String FAKE_GO = """
            #!/bin/bash
            # Stands in for go: each build takes FAKE_SECONDS and writes a binary that answers --version.
            case "$1 $2" in
              "mod init") exit 0 ;;
              "mod download") printf '{"GoMod": "%s"}\\n' "$FAKE_GOMOD" ;;
              "mod tidy") sleep "$FAKE_SECONDS" ;;
              get\\ *) exit 0 ;;
              build\\ *)
                while [[ "$1" != "-o" ]]; do shift; done
                sleep "$FAKE_SECONDS"
                printf '#!/bin/sh\\necho fake\\n' > "$2" && chmod +x "$2" ;;
            esac
            """;

    @Test
    void aColdBuildSaysWhichBinaryHowLongAndWhatComesNext(@TempDir Path work) throws Exception {
        var bin = Files.createDirectories(work.resolve("bin"));
        var go = bin.resolve("go");
        Files.writeString(go, FAKE_GO);
        Files.setPosixFilePermissions(go, PosixFilePermissions.fromString("rwxr-xr-x"));
        var gomod = work.resolve("go.mod");
        Files.writeString(gomod, "module k8s.io/kubernetes\nrequire (\n\tk8s.io/api v0.0.0\n)\n");

        var script = new ProcessBuilder("bash", Path.of("scripts/k8s-test-binaries.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        script.environment().putAll(java.util.Map.of("PATH", bin + ":/usr/bin:/bin", "NEBARI_K8S_CACHE",
                work.resolve("cache").toString(), "PROGRESS_SECONDS", "1", "FAKE_SECONDS", "2",
                "FAKE_GOMOD", gomod.toString(), "HOME", work.toString()));
        var process = script.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("building kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok into")
                .contains("building kube-apiserver v1.35.4 (6 of 6 to go)")
                .containsPattern("building kube-apiserver: \\d+ s so far \\(\\d+ s in all\\); next: kube-controller-manager")
                .containsPattern("building kwok: \\d+ s so far \\(\\d+ s in all\\); next: nothing \\(done\\)")
                .contains("ready in");
        assertThat(work.resolve("cache/v1.35.4/kwok")).isExecutable();
    }

    @Test
    void withoutGoItSaysWhatToInstallAndPromisesNoDownload(@TempDir Path work) throws IOException, InterruptedException {
        var script = new ProcessBuilder("bash", Path.of("scripts/k8s-test-binaries.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        script.environment().putAll(java.util.Map.of("PATH", "/nonexistent:/usr/sbin:/sbin", "NEBARI_K8S_CACHE",
                work.toString(), "HOME", work.toString()));
        // bash itself is found by its absolute path from ProcessBuilder's lookup of "bash" before PATH is replaced
        var process = script.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("Install Go 1.25+").contains("NEBARI_K8S_BINARIES").doesNotContain("envtest");
    }
}
