package dev.nebari.llm.download.hub;

import java.util.Optional;

/**
 * One file of a repository revision as the Hub lists it.
 *
 * @param path   path inside the repository, always with forward slashes
 * @param size   size in bytes of the file content (for LFS files: of the LFS object, not the pointer)
 * @param sha256 SHA-256 of the content, present for LFS files
 * @param blobId git blob id (SHA-1 of the git object), present for files stored in git itself
 */
public record RepoFile(String path, long size, Optional<String> sha256, Optional<String> blobId) {

    public RepoFile {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")
                || java.util.Arrays.asList(path.split("/")).contains("..")) {
            // A hostile listing must not make us write outside the target directory.
            throw new IllegalArgumentException("unsafe file path in repository listing: " + path);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + path);
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
