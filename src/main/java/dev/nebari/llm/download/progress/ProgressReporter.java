package dev.nebari.llm.download.progress;

import dev.nebari.llm.download.json.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the machine-readable progress stream: one JSON object per line on stdout, which the operator parses into
 * {@code status.download}. The format is documented in {@code docs/downloader.md}; fields may be added, never
 * renamed.
 */
public final class ProgressReporter implements AutoCloseable {

    private final PrintStream out;
    private final Duration interval;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong bytesFetched = new AtomicLong();
    private final AtomicInteger filesDone = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    private volatile long bytesTotal;
    private volatile int filesTotal;
    /** The repository of this run: progress lines name it, since one container may download several in turn. */
    private volatile String repo = "";
    private @org.jspecify.annotations.Nullable ScheduledExecutorService ticker;

    public ProgressReporter(PrintStream out, Duration interval) {
        this.out = out;
        this.interval = interval;
    }

    public void started(String repo, String revision, String commit, int files, long bytes) {
        filesTotal = files;
        bytesTotal = bytes;
        this.repo = repo;
        emit("start", e -> e.writeStringProperty("repo", repo).writeStringProperty("revision", revision)
                .writeStringProperty("commit", commit).writeNumberProperty("filesTotal", files)
                .writeNumberProperty("bytesTotal", bytes));
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::progress, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Something went wrong and is being dealt with (a retry, a refetch); for humans, not for status. */
    public void warning(String message) {
        emit("warning", e -> e.writeStringProperty("message", message));
    }

    public void waiting(String holder) {
        emit("waiting", e -> e.writeStringProperty("holder", holder));
    }

    /** Bytes that arrived from the network and were written into place. */
    public void fetched(long bytes) {
        bytesFetched.addAndGet(bytes);
        bytesDone.addAndGet(bytes);
    }

    /** Bytes found already complete on disk (a verified file or a resumed chunk). */
    public void reused(long bytes) {
        bytesDone.addAndGet(bytes);
    }

    /** A file failed verification: its bytes no longer count as done. */
    public void discarded(long bytes) {
        bytesDone.addAndGet(-bytes);
    }

    public void fileDone(String path, long size, String result) {
        filesDone.incrementAndGet();
        emit("file", e -> e.writeStringProperty("path", path).writeNumberProperty("size", size)
                .writeStringProperty("result", result));
    }

    public long bytesFetched() {
        return bytesFetched.get();
    }

    public void done(String commit, int filesDownloaded) {
        stopTicker();
        progress();
        emit("done", e -> e.writeStringProperty("repo", repo).writeStringProperty("commit", commit).writeNumberProperty("filesTotal", filesTotal)
                .writeNumberProperty("filesDownloaded", filesDownloaded).writeNumberProperty("bytesTotal", bytesTotal)
                .writeNumberProperty("bytesDownloaded", bytesFetched.get())
                .writeNumberProperty("seconds", elapsedSeconds()));
    }

    public void error(String reason, int exitCode, String message) {
        stopTicker();
        emit("error", e -> e.writeStringProperty("reason", reason).writeNumberProperty("exitCode", exitCode)
                .writeStringProperty("message", message));
    }

    @Override
    public void close() {
        stopTicker();
    }

    private void progress() {
        double seconds = elapsedSeconds();
        emit("progress", e -> e.writeStringProperty("repo", repo).writeNumberProperty("bytesDone", bytesDone.get())
                .writeNumberProperty("bytesTotal", bytesTotal).writeNumberProperty("filesDone", filesDone.get())
                .writeNumberProperty("filesTotal", filesTotal)
                .writeNumberProperty("bytesPerSecond", seconds > 0 ? (long) (bytesFetched.get() / seconds) : 0));
    }

    private double elapsedSeconds() {
        return Math.round((System.nanoTime() - startNanos) / 1e6) / 1e3;
    }

    private void stopTicker() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    private void emit(String event, Consumer<JsonGenerator> fields) {
        String line = Json.object(g -> {
            g.writeStringProperty("event", event);
            fields.accept(g);
        });
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
