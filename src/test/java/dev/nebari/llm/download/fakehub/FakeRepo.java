package dev.nebari.llm.download.fakehub;

import java.util.List;
import java.util.Optional;

/** A fake model repository with one revision ({@code revision}) pointing at {@code commit}. */
public record FakeRepo(String id, String revision, String commit, List<FakeFile> files) {

    public FakeRepo {
        files = List.copyOf(files);
    }

    public static FakeRepo of(String id, FakeFile... files) {
        return new FakeRepo(id, "main", "0123456789abcdef0123456789abcdef01234567", List.of(files));
    }

    public boolean hasRevision(String rev) {
        return rev.equals(revision) || rev.equals(commit);
    }

    public Optional<FakeFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    public long totalBytes() {
        return files.stream().mapToLong(f -> f.content().size()).sum();
    }
}
