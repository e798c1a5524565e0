package dev.nebari.llm.localgateway;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counts the lines of a growing log that contain a marker, reading only what was appended since the last look. */
final class LogLines {

    private final Path file;
    private final String marker;
    private long offset;
    private long count;
    private String partial = "";

    LogLines(Path file, String marker) {
        this.file = file;
        this.marker = marker;
    }

    synchronized long count() {
        if (!Files.exists(file)) {
            return count;
        }
        try (var in = new RandomAccessFile(file.toFile(), "r")) {
            var length = in.length();
            if (length <= offset) {
                return count;
            }
            var bytes = new byte[(int) Math.min(length - offset, 16 << 20)];
            in.seek(offset);
            in.readFully(bytes);
            offset += bytes.length;
            var text = partial + new String(bytes, StandardCharsets.UTF_8);
            var lastNewline = text.lastIndexOf('\n');
            partial = lastNewline < 0 ? text : text.substring(lastNewline + 1);
            var complete = lastNewline < 0 ? "" : text.substring(0, lastNewline);
            for (int at = complete.indexOf(marker); at >= 0; at = complete.indexOf(marker, at + marker.length())) {
                count++;
            }
            return count;
        } catch (IOException e) {
            return count;
        }
    }
}
