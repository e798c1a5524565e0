package dev.nebari.llm.download.hub;

import java.util.List;

/** The files of one repository revision, pinned to the commit the revision resolved to. */
public record RepoListing(String repo, String revision, String commit, List<RepoFile> files) {

    public RepoListing {
        files = List.copyOf(files);
    }

    public long totalBytes() {
        return files.stream().mapToLong(RepoFile::size).sum();
    }
}
