package dev.nebari.llm.download.store;

import dev.nebari.llm.download.hub.RepoFile;
import dev.nebari.llm.download.json.Json;
import dev.nebari.llm.download.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a previous run finished and verified: per file its content identity (size and digests, as listed by the
 * Hub) and the size and modification time it had on disk right after verification. A file whose on-disk size and
 * mtime still match is trusted without reading it again; that is what makes a restart of an unchanged model cheap.
 */
public record CompletionManifest(Map<String, Entry> files) {

    public CompletionManifest {
        files = Map.copyOf(files);
    }

    public record Entry(long size, Optional<String> sha256, Optional<String> blobId, long mtimeMillis) {

        public static Entry of(RepoFile file, long mtimeMillis) {
            return new Entry(file.size(), file.sha256(), file.blobId(), mtimeMillis);
        }

        public boolean describes(RepoFile file) {
            return size == file.size() && sha256.equals(file.sha256()) && blobId.equals(file.blobId());
        }
    }

    public static CompletionManifest empty() {
        return new CompletionManifest(Map.of());
    }

    public Optional<Entry> entry(String path) {
        return Optional.ofNullable(files.get(path));
    }

    public CompletionManifest with(String path, Entry entry) {
        Map<String, Entry> next = new LinkedHashMap<>(files);
        next.put(path, entry);
        return new CompletionManifest(next);
    }

    /** A missing or unreadable manifest is treated as empty: the files are then verified by content instead. */
    public static CompletionManifest read(Path file) {
        try {
            JsonObject root = Json.parseObject(Files.readString(file));
            Map<String, Entry> files = new LinkedHashMap<>();
            root.object("files").objectMembers().forEach((path, entry) -> files.put(path, new Entry(
                    entry.integer("size").orElse(-1), entry.string("sha256"), entry.string("blobId"),
                    entry.integer("mtimeMillis").orElse(-1))));
            return new CompletionManifest(files);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException | RuntimeException e) {
            return empty();
        }
    }

    /** Writes through a temporary file and a rename so a crash never leaves a half-written manifest. */
    public void write(Path file, String repo, String commit) throws IOException {
        String text = Json.prettyObject(g -> {
            g.writeStringProperty("repo", repo);
            g.writeStringProperty("commit", commit);
            g.writeName("files");
            g.writeStartObject();
            files.forEach((path, entry) -> {
                g.writeName(path);
                g.writeStartObject();
                g.writeNumberProperty("size", entry.size());
                entry.sha256().ifPresent(v -> g.writeStringProperty("sha256", v));
                entry.blobId().ifPresent(v -> g.writeStringProperty("blobId", v));
                g.writeNumberProperty("mtimeMillis", entry.mtimeMillis());
                g.writeEndObject();
            });
            g.writeEndObject();
        });
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
