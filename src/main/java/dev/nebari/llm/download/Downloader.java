package dev.nebari.llm.download;

import dev.nebari.llm.download.hub.HubClient;
import dev.nebari.llm.download.hub.HubStatusException;
import dev.nebari.llm.download.hub.RefusedListingException;
import dev.nebari.llm.download.hub.RepoFile;
import dev.nebari.llm.download.hub.RepoListing;
import dev.nebari.llm.download.progress.ProgressReporter;
import dev.nebari.llm.download.store.CompletionManifest;
import dev.nebari.llm.download.store.ContentVerifier;
import dev.nebari.llm.download.store.DirectoryLease;
import dev.nebari.llm.download.transfer.DiskFull;
import dev.nebari.llm.download.transfer.TransferEngine;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;

/**
 * One download run: list the revision, take the directory lease, keep what is already complete, fetch the rest,
 * record it in the completion manifest. Failures leave as a {@link DownloadFailure} with the exit code for them.
 */
public final class Downloader implements AutoCloseable {

    /** Holds our bookkeeping beside the model files; the serving runtime ignores dot-directories. */
    static final String WORK_DIR = RepoFile.RESERVED_DIRECTORY;

    private final DownloadOptions options;
    private final ProgressReporter progress;
    private final HubClient hub;

    public Downloader(DownloadOptions options, ProgressReporter progress) {
        this.options = options;
        this.progress = progress;
        this.hub = new HubClient(options.endpoint(), options.token(), options.transfer().stallTimeout(),
                options.proxies(), options.trust());
    }

    /** Returns the commit that is now complete in the target directory. */
    public String run() throws InterruptedException {
        RepoListing listing = list();
        progress.started(listing.repo(), listing.revision(), listing.commit(), listing.files().size(),
                listing.totalBytes());
        Path workDir = options.target().resolve(WORK_DIR);
        try {
            Files.createDirectories(workDir);
            try (DirectoryLease lease = DirectoryLease.acquire(workDir, options.owner(), options.leaseDuration(),
                    progress::waiting)) {
                List<RepoFile> missing = reuseCompleteFiles(listing, workDir);
                ensureSpaceFor(missing, workDir);
                new TransferEngine(hub, options.transfer(), progress, lease::isHeld).download(
                        listing.repo(), listing.commit(), missing, options.target(), workDir.resolve("partial"),
                        (file, placed) -> record(workDir, listing, file, placed));
                progress.done(listing.commit(), missing.size());
            }
        } catch (HubStatusException e) {
            throw classify(e, listing.repo(), listing.revision());
        } catch (IOException e) {
            throw ioFailure(e);
        }
        return listing.commit();
    }

    @Override
    public void close() {
        hub.close();
    }

    private RepoListing list() throws InterruptedException {
        int failures = 0;
        while (true) {
            try {
                return hub.listing(options.repo(), options.revision());
            } catch (HubStatusException e) {
                if (!e.isRetryable() || failures >= options.transfer().retry().attempts()) {
                    throw classify(e, options.repo(), options.revision());
                }
            } catch (RefusedListingException e) {
                throw new DownloadFailure(ExitCode.FAILED, e.getMessage(), e);
            } catch (IOException e) {
                if (failures >= options.transfer().retry().attempts()) {
                    throw new DownloadFailure(ExitCode.FAILED, "cannot reach the Hub at " + options.endpoint()
                            + ": " + describe(e), e);
                }
            }
            failures++;
            Thread.sleep(options.transfer().retry().delayBefore(failures));
        }
    }

    /**
     * Keeps files the manifest vouches for (same content identity, same size and mtime on disk) without reading
     * them, and files without a manifest entry whose content verifies. Returns the files still to download.
     */
    private List<RepoFile> reuseCompleteFiles(RepoListing listing, Path workDir) throws IOException {
        CompletionManifest previous = CompletionManifest.read(workDir.resolve(MANIFEST));
        CompletionManifest kept = CompletionManifest.empty();
        List<RepoFile> missing = new ArrayList<>();
        for (RepoFile file : listing.files()) {
            Path placed = options.target().resolve(file.path());
            boolean trusted = previous.entry(file.path())
                    .filter(entry -> entry.describes(file))
                    .filter(entry -> matchesOnDisk(placed, entry))
                    .isPresent();
            if (trusted || (Files.isRegularFile(placed) && Files.size(placed) == file.size()
                    && ContentVerifier.verify(placed, file) == ContentVerifier.Verdict.MATCHES)) {
                kept = kept.with(file.path(), CompletionManifest.Entry.of(file, mtime(placed)));
                progress.reused(file.size());
                progress.fileDone(file.path(), file.size(), "reused");
            } else {
                missing.add(file);
            }
        }
        manifest = kept;
        manifest.write(workDir.resolve(MANIFEST), listing.repo(), listing.commit());
        return missing;
    }

    private static final String MANIFEST = "manifest.json";
    private CompletionManifest manifest = CompletionManifest.empty();

    private synchronized void record(Path workDir, RepoListing listing, RepoFile file, Path placed)
            throws IOException {
        manifest = manifest.with(file.path(), CompletionManifest.Entry.of(file, mtime(placed)));
        manifest.write(workDir.resolve(MANIFEST), listing.repo(), listing.commit());
    }

    private static boolean matchesOnDisk(Path placed, CompletionManifest.Entry entry) {
        try {
            return Files.isRegularFile(placed) && Files.size(placed) == entry.size()
                    && mtime(placed) == entry.mtimeMillis();
        } catch (IOException e) {
            return false;
        }
    }

    private static long mtime(Path file) throws IOException {
        return Files.getLastModifiedTime(file).toMillis();
    }

    /**
     * Fails before downloading anything when the volume cannot hold the files, instead of hours later. Asks the
     * file system of the directory itself (statvfs): Files.getFileStore would look the directory's mount up in
     * /proc/mounts, which fails where that table does not show it (a chroot); 0 means the size is unknown.
     */
    private void ensureSpaceFor(List<RepoFile> missing, Path workDir) throws IOException {
        long needed = missing.stream().mapToLong(RepoFile::size).sum() - partialBytes(workDir.resolve("partial"));
        long usable = workDir.toFile().getUsableSpace();
        if (usable > 0 && needed > usable) {
            throw new DownloadFailure(ExitCode.DISK_FULL, "not enough disk space in " + options.target() + ": needs "
                    + gib(needed) + " more, " + gib(usable) + " free");
        }
    }

    private static long partialBytes(Path partialDir) throws IOException {
        if (!Files.isDirectory(partialDir)) {
            return 0;
        }
        try (Stream<Path> parts = Files.list(partialDir)) {
            return parts.filter(p -> p.toString().endsWith(".part")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    private DownloadFailure ioFailure(IOException e) {
        if (DiskFull.causedBy(e)) {
            return new DownloadFailure(ExitCode.DISK_FULL, "disk full while writing to " + options.target(), e);
        }
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof HubStatusException)) {
            cause = cause.getCause();
        }
        if (cause instanceof HubStatusException status) {
            return classify(status, options.repo(), options.revision());
        }
        return new DownloadFailure(ExitCode.FAILED, "download of " + options.repo() + " failed: " + describe(e), e);
    }

    static DownloadFailure classify(HubStatusException e, String repo, String revision) {
        String code = e.errorCode();
        int status = e.status();
        if (status == 404 || code.equals("RepoNotFound") || code.equals("RevisionNotFound")
                || code.equals("EntryNotFound")) {
            // The Hub answers 401 RepoNotFound for private repositories when no valid token was sent.
            String what = code.equals("RevisionNotFound") ? "revision " + revision + " of " + repo
                    : code.equals("EntryNotFound") ? "a file of " + repo + " at " + revision
                    : repo + " (revision " + revision + ")";
            return new DownloadFailure(ExitCode.NOT_FOUND, "not found on the Hub: " + what + " (HTTP " + status
                    + "); check the repository id and revision, or the token if the repository is private", e);
        }
        if (status == 401) {
            return new DownloadFailure(ExitCode.ACCESS_DENIED, "the Hub rejected the token for " + repo
                    + " (HTTP 401): HF_TOKEN is missing, invalid or expired", e);
        }
        if (status == 407) {
            return new DownloadFailure(ExitCode.FAILED, "the proxy refused the request for " + repo + " (HTTP 407 Proxy"
                    + " Authentication Required): check the user and password in HTTP_PROXY / HTTPS_PROXY", e);
        }
        if (status == 403) {
            return new DownloadFailure(ExitCode.ACCESS_DENIED, "access to " + repo + " denied (HTTP 403"
                    + (code.isEmpty() ? "" : ", " + code) + "): the model is gated or the token lacks read access;"
                    + " accept the model's terms on the Hub with the token's account", e);
        }
        return new DownloadFailure(ExitCode.FAILED, "the Hub answered HTTP " + status + " for " + repo, e);
    }

    private static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                // The JDK says "PKIX path building failed ... unable to find valid certification path": name the fix.
                return "TLS handshake failed: " + message + "; if the Hub, the mirror or a TLS-inspecting proxy uses a"
                        + " private certificate authority, give its certificate in SSL_CERT_FILE (Helm value"
                        + " defaults.trustedCA)";
            }
        }
        return message;
    }
}
