package dev.nebari.llm.download.store;

import dev.nebari.llm.download.hub.RepoFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks file content against the Hub's listing: SHA-256 for LFS files, the git blob id for files stored in git
 * (SHA-1 over {@code "blob <size>\0" + content}), size alone when the listing offers neither.
 */
public final class ContentVerifier {

    private static final int BUFFER = 1 << 20;

    private ContentVerifier() {
    }

    public enum Verdict { MATCHES, WRONG_SIZE, WRONG_DIGEST }

    public static Verdict verify(Path file, RepoFile expected) throws IOException {
        if (Files.size(file) != expected.size()) {
            return Verdict.WRONG_SIZE;
        }
        if (expected.sha256().isPresent()) {
            return digest(file, "SHA-256", new byte[0]).equalsIgnoreCase(expected.sha256().get())
                    ? Verdict.MATCHES : Verdict.WRONG_DIGEST;
        }
        if (expected.blobId().isPresent()) {
            byte[] header = ("blob " + expected.size() + "\0").getBytes(StandardCharsets.US_ASCII);
            return digest(file, "SHA-1", header).equalsIgnoreCase(expected.blobId().get())
                    ? Verdict.MATCHES : Verdict.WRONG_DIGEST;
        }
        return Verdict.MATCHES;
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides " + algorithm, e);
        }
        digest.update(prefix);
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
