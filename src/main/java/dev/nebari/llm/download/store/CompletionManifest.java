package dev.nebari.llm.download.store;

import dev.nebari.llm.download.hub.RepoFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a previous run finished and verified: per file its content identity (size and digests, as listed by the
 * Hub) and the size and modification time it had on disk right after verification. A file whose on-disk size and
 * mtime still match is trusted without reading it again; that is what makes a restart of an unchanged model cheap.
 */
public record CompletionManifest(Map<String, Entry> files) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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
            JsonNode root = JSON.readTree(Files.readString(file));
            Map<String, Entry> files = new LinkedHashMap<>();
            root.path("files").properties().forEach(e -> files.put(e.getKey(), new Entry(
                    e.getValue().path("size").asLong(-1),
                    optional(e.getValue().path("sha256")),
                    optional(e.getValue().path("blobId")),
                    e.getValue().path("mtimeMillis").asLong(-1))));
            return new CompletionManifest(files);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException | RuntimeException e) {
            return empty();
        }
    }

    /** Writes through a temporary file and a rename so a crash never leaves a half-written manifest. */
    public void write(Path file, String repo, String commit) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("repo", repo);
        root.put("commit", commit);
        ObjectNode entries = root.putObject("files");
        files.forEach((path, entry) -> {
            ObjectNode node = entries.putObject(path);
            node.put("size", entry.size());
            entry.sha256().ifPresent(v -> node.put("sha256", v));
            entry.blobId().ifPresent(v -> node.put("blobId", v));
            node.put("mtimeMillis", entry.mtimeMillis());
        });
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Optional<String> optional(JsonNode node) {
        return node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }
}
