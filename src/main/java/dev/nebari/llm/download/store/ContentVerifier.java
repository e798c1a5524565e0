package dev.nebari.llm.download.store;

import dev.nebari.llm.download.hub.RepoFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Checks file content against the Hub's listing: SHA-256 for LFS files, the git blob id for files stored in git
 * (SHA-1 over {@code "blob <size>\0" + content}), size alone when the listing offers neither. The same check runs
 * over a file on disk ({@link #verify}) or over bytes fed in order while they are downloaded ({@link #start}).
 */
public final class ContentVerifier {

    private static final int BUFFER = 1 << 20;

    private ContentVerifier() {
    }

    public enum Verdict { MATCHES, WRONG_SIZE, WRONG_DIGEST }

    /** The check of one file's content, fed from its first byte to its last. Not thread-safe. */
    public static final class Check {
        private final RepoFile expected;
        private final @Nullable MessageDigest digest;
        private final String expectedHex;
        private long fed;

        private Check(RepoFile expected) {
            this.expected = expected;
            if (expected.sha256().isPresent()) {
                digest = newDigest("SHA-256");
                expectedHex = expected.sha256().get();
            } else if (expected.blobId().isPresent()) {
                digest = newDigest("SHA-1");
                digest.update(("blob " + expected.size() + "\0").getBytes(StandardCharsets.US_ASCII));
                expectedHex = expected.blobId().get();
            } else {
                digest = null;
                expectedHex = "";
            }
        }

        /** Whether the verdict depends on the bytes at all (not when the listing gives only a size). */
        public boolean readsContent() {
            return digest != null;
        }

        /** Feeds the next bytes of the file: {@code bytes} from its position to its limit, which it consumes. */
        public void update(ByteBuffer bytes) {
            fed += bytes.remaining();
            if (digest != null) {
                digest.update(bytes);
            } else {
                bytes.position(bytes.limit());
            }
        }

        /** How many bytes were fed so far. */
        public long fed() {
            return fed;
        }

        /** The verdict on the bytes fed, for a file of {@code size} bytes on disk. */
        public Verdict verdict(long size) {
            if (size != expected.size() || (digest != null && fed != size)) {
                return Verdict.WRONG_SIZE;
            }
            if (digest != null && !HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(expectedHex)) {
                return Verdict.WRONG_DIGEST;
            }
            return Verdict.MATCHES;
        }
    }

    /** A check to feed with the content of a file expected to be {@code expected}. */
    public static Check start(RepoFile expected) {
        return new Check(expected);
    }

    public static Verdict verify(Path file, RepoFile expected) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expected.size()) {
                return Verdict.WRONG_SIZE;
            }
            Check check = start(expected);
            if (check.readsContent()) {
                feed(channel, 0, size, check);
            }
            return check.verdict(size);
        }
    }

    /**
     * Feeds bytes {@code [from, to)} of {@code channel} to {@code check}, reading with positional reads so that
     * writers of the same channel are not disturbed.
     */
    public static void feed(FileChannel channel, long from, long to, Check check) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER, Math.max(1, to - from)));
        long at = from;
        while (at < to) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), to - at));
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("file ended at byte " + at + ", expected " + to);
            }
            at += read;
            buffer.flip();
            check.update(buffer);
        }
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides " + algorithm, e);
        }
    }
}
