package dev.nebari.llm.download.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;

/**
 * Which chunks of a partial file are complete, so a restarted download fetches only the rest. An append-only text
 * file: a crash can at worst lose the last line, and that chunk is simply fetched again. Chunk data is not synced
 * before its line is written; a node crash that loses written data is caught by the final digest check.
 */
final class ChunkJournal {

    private final Path file;
    private final String header;
    private final BitSet done = new BitSet();

    private ChunkJournal(Path file, String header) {
        this.file = file;
        this.header = header;
    }

    /** Reads the journal, discarding it when it was written for another chunk size or file size. */
    static ChunkJournal open(Path file, long chunkSize, long fileSize) throws IOException {
        ChunkJournal journal = new ChunkJournal(file, "chunk-size " + chunkSize + " file-size " + fileSize);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            lines = List.of();
        }
        if (!lines.isEmpty() && lines.getFirst().equals(journal.header)) {
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank() && line.chars().allMatch(Character::isDigit)) {
                    journal.done.set(Integer.parseInt(line));
                }
            }
        } else {
            journal.reset();
        }
        return journal;
    }

    synchronized boolean isDone(int chunk) {
        return done.get(chunk);
    }

    synchronized void markDone(int chunk) throws IOException {
        done.set(chunk);
        Files.writeString(file, chunk + "\n", StandardOpenOption.APPEND);
    }

    synchronized void reset() throws IOException {
        done.clear();
        Files.writeString(file, header + "\n");
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
