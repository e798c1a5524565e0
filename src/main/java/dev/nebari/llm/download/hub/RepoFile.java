package dev.nebari.llm.download.hub;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One file of a repository revision as the Hub lists it.
 *
 * @param path   path inside the repository, always with forward slashes
 * @param size   size in bytes of the file content (for LFS files: of the LFS object, not the pointer)
 * @param sha256 SHA-256 of the content, present for LFS files
 * @param blobId git blob id (SHA-1 of the git object), present for files stored in git itself
 */
public record RepoFile(String path, long size, Optional<String> sha256, Optional<String> blobId) {

    /** The downloader's own state in the target directory; no repository file may write there. */
    public static final String RESERVED_DIRECTORY = ".nebari-download";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern GIT_OBJECT_ID = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");

    public RepoFile {
        var segments = Arrays.asList(path.split("/"));
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || segments.contains("..")
                || segments.contains(".") || segments.contains("") || path.indexOf('\0') >= 0) {
            // A hostile listing must not make us write outside the target directory.
            throw new IllegalArgumentException("unsafe file path in repository listing: " + path);
        }
        if (segments.getFirst().equals(RESERVED_DIRECTORY)) {
            throw new IllegalArgumentException("a repository file would overwrite the downloader's own state: " + path);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + path);
        }
        // Both name partial data on disk (contentKey): only hex digests, never a path.
        if (sha256.isPresent() && !SHA256.matcher(sha256.get()).matches()) {
            throw new IllegalArgumentException("not a SHA-256 digest for " + path + " in the repository listing");
        }
        if (blobId.isPresent() && !GIT_OBJECT_ID.matcher(blobId.get()).matches()) {
            throw new IllegalArgumentException("not a git object id for " + path + " in the repository listing");
        }
    }

    public boolean isLfs() {
        return sha256.isPresent();
    }

    /** A stable name for partial data that survives revisions which keep the file unchanged. */
    public String contentKey() {
        return sha256.or(() -> blobId).orElseGet(() -> "size-" + size + "-" + Integer.toHexString(path.hashCode()));
    }
}
