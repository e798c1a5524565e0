package dev.nebari.llm.localcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output goes to a log file and which is stopped with the JVM at the latest. Stopping it
 * stops its own children too (aigw starts Envoy, for example), which would otherwise outlive it and keep its ports.
 */
public final class ManagedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ManagedProcess start(String name, List<String> command, Path logDir) {
        return start(name, command, logDir, java.util.Map.of());
    }

    /** Starts {@code command} with {@code environment} added to this process's, its output in {@code <logDir>/<name>.log}. */
    public static ManagedProcess start(String name, List<String> command, Path logDir, java.util.Map<String, String> environment) {
        var log = logDir.resolve(name + ".log");
        try {
            var builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            var process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            var managed = new ManagedProcess(name, process, log);
            Runtime.getRuntime().addShutdownHook(new Thread(managed::killUnlessClosedSoon, "stop-" + name));
            return managed;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The last lines of the log, for error messages when the process dies or never becomes ready. */
    public String tail() {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        // Taken before the process ends: its children are re-parented then and no longer found through it.
        var children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
            for (var child : children) {
                child.destroy();
                if (!child.onExit().toCompletableFuture().completeOnTimeout(child, 5, TimeUnit.SECONDS).join().isAlive()) {
                    continue;
                }
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Shutdown hooks run side by side, so the application's own shutdown (which still talks to the API server:
     * releasing the Lease, stopping informers) would race a hook that killed the server at once. Give the owner
     * time to close the process in order; kill it only if that does not happen.
     */
    private void killUnlessClosedSoon() {
        try {
            if (process.waitFor(20, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Kills the process and its children at once (SIGKILL), as a crash or an OOM kill would, and waits for the end. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
