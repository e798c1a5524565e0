package dev.nebari.llm.download.transfer;

import dev.nebari.llm.download.DownloadFailure;
import dev.nebari.llm.download.ExitCode;
import dev.nebari.llm.download.hub.HubClient;
import dev.nebari.llm.download.hub.HubStatusException;
import dev.nebari.llm.download.hub.RepoFile;
import dev.nebari.llm.download.progress.ProgressReporter;
import dev.nebari.llm.download.store.ContentVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Downloads files with parallel range requests. Every file is cut into chunks; a fixed pool of workers takes chunks
 * in file order, so at most {@code concurrency} requests are in flight and files complete one after another. Each
 * chunk streams into its place in a {@link PartialFile}, which digests the content in order while it arrives, so a
 * file is verified moments after its last chunk; a failed or stalled request resumes at the byte where it stopped.
 */
public final class TransferEngine {

    /** Called after a file was verified and renamed into place. */
    @FunctionalInterface
    public interface CompletionListener {
        void completed(RepoFile file, Path placed) throws IOException;
    }

    public record Settings(int concurrency, long chunkSize, Duration stallTimeout, RetryPolicy retry,
            int verifyAttempts) {

        public Settings {
            if (concurrency < 1 || chunkSize < 64 * 1024 || verifyAttempts < 1) {
                throw new IllegalArgumentException("invalid transfer settings");
            }
        }
    }

    private final HubClient hub;
    private final Settings settings;
    private final ProgressReporter progress;
    private final BooleanSupplier leaseHeld;
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();
    private final AtomicInteger filesLeft = new AtomicInteger();
    private @Nullable ExecutorService workers;
    private @Nullable ExecutorService flusher;

    public TransferEngine(HubClient hub, Settings settings, ProgressReporter progress, BooleanSupplier leaseHeld) {
        this.hub = hub;
        this.settings = settings;
        this.progress = progress;
        this.leaseHeld = leaseHeld;
    }

    /** Downloads {@code files} of {@code commit} into {@code target}, keeping partial data in {@code partialDir}. */
    public void download(String repo, String commit, List<RepoFile> files, Path target, Path partialDir,
            CompletionListener listener) throws IOException, InterruptedException {
        if (files.isEmpty()) {
            return;
        }
        Files.createDirectories(partialDir);
        filesLeft.set(files.size());
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "download-worker");
            t.setDaemon(true);
            return t;
        });
        workers = pool;
        // One thread waiting for the disk on behalf of all files; it needs no CPU.
        ExecutorService flushing = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flush-behind");
            t.setDaemon(true);
            return t;
        });
        flusher = flushing;
        List<FileJob> jobs = new java.util.ArrayList<>();
        try {
            for (RepoFile file : files) {
                FileJob job = new FileJob(file, hub.resolveUrl(repo, commit, file.path()),
                        partialDir.resolve(partName(file)), target.resolve(file.path()), listener);
                jobs.add(job);
                job.start();
            }
            outcome.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DownloadFailure failure) {
                throw failure;
            }
            throw HubClient.unwrap(cause);
        } finally {
            pool.shutdownNow();
            flushing.shutdownNow();
            for (FileJob job : jobs) {
                job.closeQuietly();
            }
        }
    }

    /** Named by content so a new revision that keeps a file resumes its partial data; by path for duplicates. */
    private static String partName(RepoFile file) {
        return file.contentKey() + "-" + Integer.toHexString(file.path().hashCode()) + ".part";
    }

    private ExecutorService flusher() {
        ExecutorService f = flusher;
        if (f == null) {
            throw new IllegalStateException("no download running");
        }
        return f;
    }

    private void submit(Runnable task) {
        ExecutorService pool = workers;
        if (pool != null && !outcome.isDone()) {
            pool.execute(() -> {
                if (outcome.isDone()) {
                    return;
                }
                try {
                    task.run();
                } catch (Throwable t) {
                    outcome.completeExceptionally(t instanceof TaskFailure f ? f.getCause() : t);
                }
            });
        }
    }

    /** Carries a checked failure out of a worker task. */
    private static final class TaskFailure extends RuntimeException {
        TaskFailure(Throwable cause) {
            super(cause);
        }
    }

    private final class FileJob {
        private final RepoFile file;
        private final URI resolveUrl;
        private final Path part;
        private final Path destination;
        private final CompletionListener listener;
        private final AtomicInteger chunksLeft = new AtomicInteger();
        private @Nullable PartialFile partial;
        private @Nullable ChunkJournal journal;
        private @Nullable URI location;
        private int verifications;

        FileJob(RepoFile file, URI resolveUrl, Path part, Path destination, CompletionListener listener) {
            this.file = file;
            this.resolveUrl = resolveUrl;
            this.part = part;
            this.destination = destination;
            this.listener = listener;
        }

        int chunkCount() {
            return (int) ((file.size() + settings.chunkSize() - 1) / settings.chunkSize());
        }

        void start() throws IOException {
            journal = ChunkJournal.open(part.resolveSibling(part.getFileName() + ".chunks"), settings.chunkSize(),
                    file.size());
            PartialFile opened = PartialFile.open(part, file);
            partial = opened;
            long onDisk = opened.size();
            int chunks = chunkCount();
            int missing = 0;
            for (int i = 0; i < chunks; i++) {
                if (journal.isDone(i) && chunkEnd(i) <= onDisk) {
                    // Resumed from an earlier run: the digest reads it back from disk, so it is verified too.
                    opened.alreadyWritten(chunkStart(i), chunkEnd(i));
                    progress.reused(chunkEnd(i) - chunkStart(i));
                } else {
                    missing++;
                }
            }
            if (missing == 0) {
                submit(this::finish);
                return;
            }
            chunksLeft.set(missing);
            for (int i = 0; i < chunks; i++) {
                if (!(journal.isDone(i) && chunkEnd(i) <= onDisk)) {
                    int chunk = i;
                    submit(() -> fetchChunk(chunk));
                }
            }
        }

        private long chunkStart(int chunk) {
            return chunk * settings.chunkSize();
        }

        private long chunkEnd(int chunk) {
            return Math.min(file.size(), chunkStart(chunk) + settings.chunkSize());
        }

        private void fetchChunk(int chunk) {
            try {
                fetchRange(chunkStart(chunk), chunkEnd(chunk));
                journal().markDone(chunk);
                // Digest what the other requests wrote beyond this chunk while it was the gap.
                partial().catchUp();
                partial().flushBehind(flusher());
            } catch (IOException e) {
                throw new TaskFailure(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskFailure(e);
            }
            if (chunksLeft.decrementAndGet() == 0) {
                finish();
            }
        }

        private void fetchRange(long from, long end) throws IOException, InterruptedException {
            long position = from;
            int failures = 0;
            boolean relocated = false;
            while (position < end) {
                RangeWriter writer = new RangeWriter(partial(), position, end, progress::fetched);
                try {
                    URI url = location();
                    HttpResponse<Long> response = awaitWithoutStall(
                            hub.fetchRange(url, position, end - 1, writer::forResponse), writer);
                    hub.failUnlessSuccess(response, file.path());
                    if (writer.position() < end) {
                        throw new IOException("response ended early");
                    }
                    position = writer.position();
                } catch (HubStatusException e) {
                    position = writer.position();
                    if (!e.fromEndpointHost() && !relocated && e.status() >= 400 && e.status() < 500) {
                        // Signed CDN URLs expire; ask the Hub for a fresh one once before giving up.
                        relocate();
                        relocated = true;
                        continue;
                    }
                    if (!e.isRetryable()) {
                        throw e;
                    }
                    failures = pauseBeforeRetry(failures + 1, e);
                } catch (IOException e) {
                    if (DiskFull.causedBy(e)) {
                        throw e;
                    }
                    if (writer.position() > position) {
                        failures = 0; // progress was made: only consecutive fruitless attempts count
                    }
                    position = writer.position();
                    failures = pauseBeforeRetry(failures + 1, e);
                }
            }
        }

        private int pauseBeforeRetry(int failures, IOException cause) throws IOException, InterruptedException {
            if (failures > settings.retry().attempts()) {
                throw new IOException("gave up on " + file.path() + " after " + (failures - 1) + " retries: "
                        + cause.getMessage(), cause);
            }
            Duration delay = settings.retry().delayBefore(failures);
            progress.warning("retrying " + file.path() + " in " + delay.toMillis() + " ms: " + cause.getMessage());
            Thread.sleep(delay);
            return failures;
        }

        private HttpResponse<Long> awaitWithoutStall(CompletableFuture<HttpResponse<Long>> response,
                RangeWriter writer) throws IOException, InterruptedException {
            long stallNanos = settings.stallTimeout().toNanos();
            long poll = Math.clamp(settings.stallTimeout().toMillis() / 4, 10, 1000);
            while (true) {
                try {
                    return response.get(poll, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (writer.idleNanos() > stallNanos) {
                        IOException stall = new IOException("no data for " + settings.stallTimeout().toSeconds()
                                + "s from " + file.path() + " (stalled)");
                        writer.abort(stall);
                        response.cancel(true);
                        throw stall;
                    }
                    if (outcome.isDone()) {
                        writer.abort(new IOException("cancelled"));
                        response.cancel(true);
                        throw new IOException("cancelled");
                    }
                } catch (ExecutionException e) {
                    throw HubClient.unwrap(e.getCause());
                }
            }
        }

        private synchronized URI location() throws IOException, InterruptedException {
            if (location == null) {
                // Small files take one request anyway; resolving their redirect first would double it.
                location = chunkCount() <= 1 ? resolveUrl : hub.locate(resolveUrl);
            }
            return location;
        }

        private synchronized void relocate() {
            location = null;
        }

        private void finish() {
            try {
                // Synced before the rename makes it visible; flush-behind has sent most of it to disk already.
                partial().force();
                ContentVerifier.Verdict verdict = partial().verdict();
                if (verdict != ContentVerifier.Verdict.MATCHES) {
                    refetch(verdict);
                    return;
                }
                if (!leaseHeld.getAsBoolean()) {
                    throw new DownloadFailure(ExitCode.FAILED, "lost the lease on the target directory to another "
                            + "downloader (this one was paused too long); stopping without writing");
                }
                closeQuietly();
                Files.createDirectories(destination.getParent());
                Files.move(part, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                journal().delete();
                listener.completed(file, destination);
                progress.fileDone(file.path(), file.size(), "downloaded");
            } catch (IOException e) {
                throw new TaskFailure(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskFailure(e);
            }
            if (filesLeft.decrementAndGet() == 0) {
                outcome.complete(null);
            }
        }

        private void refetch(ContentVerifier.Verdict verdict) throws IOException {
            verifications++;
            String what = verdict == ContentVerifier.Verdict.WRONG_SIZE ? "size" : "digest";
            if (verifications >= settings.verifyAttempts()) {
                throw new DownloadFailure(ExitCode.VERIFICATION_FAILED, file.path() + " failed verification ("
                        + what + " does not match the Hub's listing) " + verifications + " times");
            }
            progress.warning(file.path() + " failed verification (" + what + " mismatch); downloading it again");
            progress.discarded(file.size());
            partial().reset();
            journal().reset();
            relocate();
            int chunks = chunkCount();
            chunksLeft.set(chunks);
            for (int i = 0; i < chunks; i++) {
                int chunk = i;
                submit(() -> fetchChunk(chunk));
            }
        }

        private PartialFile partial() {
            PartialFile p = partial;
            if (p == null) {
                throw new IllegalStateException("file job not started");
            }
            return p;
        }

        private ChunkJournal journal() {
            ChunkJournal j = journal;
            if (j == null) {
                throw new IllegalStateException("file job not started");
            }
            return j;
        }

        void closeQuietly() {
            try {
                if (partial != null) {
                    partial.close();
                }
            } catch (IOException e) {
                // nothing left to save
            }
        }
    }
}
