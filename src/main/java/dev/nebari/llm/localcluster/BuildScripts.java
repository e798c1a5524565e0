package dev.nebari.llm.localcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The repository's scripts that build test and demo binaries from Go modules (scripts/*-test-binaries.sh), found
 * from the working directory upwards and run with their progress on this process's output.
 */
public final class BuildScripts {

    private BuildScripts() {
    }

    /** {@code relativePath} (e.g. {@code scripts/k8s-test-binaries.sh}) in this directory or one above it. */
    public static Optional<Path> find(String relativePath) {
        for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            var script = dir.resolve(relativePath);
            if (Files.isRegularFile(script)) {
                return Optional.of(script);
            }
        }
        return Optional.empty();
    }

    /** Runs {@code script} with bash, its output on ours; fails naming {@code what} it was to build. */
    public static void run(Path script, String what) {
        try {
            var process = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(script + " failed with exit code " + process.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + what, e);
        }
    }
}
