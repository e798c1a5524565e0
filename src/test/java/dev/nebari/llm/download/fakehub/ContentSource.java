package dev.nebari.llm.download.fakehub;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** The bytes of a fake repository file, either held in memory or generated on the fly (for multi-GiB benchmarks). */
public interface ContentSource {

    long size();

    /** Writes bytes {@code [from, to)}. */
    void writeTo(OutputStream out, long from, long to) throws IOException;

    static ContentSource of(byte[] bytes) {
        return new InMemory(bytes.clone());
    }

    public static ContentSource of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Deterministic pseudo-random bytes. */
    public static ContentSource random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return of(bytes);
    }

    /**
     * Deterministic content of any size that costs one small block of memory: a random 1 MiB block repeated, each
     * copy stamped with its index so that chunks written to the wrong place cannot go unnoticed.
     */
    static ContentSource generated(long seed, long size) {
        return new Generated(seed, size);
    }

    default String sha256() {
        return digest("SHA-256", new byte[0]);
    }

    /** The git blob id, as the Hub reports for files stored in git. */
    default String gitBlobId() {
        return digest("SHA-1", ("blob " + size() + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private String digest(String algorithm, byte[] prefix) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(prefix);
            writeTo(new OutputStream() {
                @Override
                public void write(int b) {
                    digest.update((byte) b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    digest.update(b, off, len);
                }
            }, 0, size());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record InMemory(byte[] bytes) implements ContentSource {

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void writeTo(OutputStream out, long from, long to) throws IOException {
            for (long at = from; at < to; at += 64 * 1024) {
                out.write(bytes, (int) at, (int) Math.min(64 * 1024, to - at));
            }
        }
    }

    final class Generated implements ContentSource {
        private static final int BLOCK = 1 << 20;
        private final byte[] block = new byte[BLOCK];
        private final long size;
        private volatile String sha256;

        Generated(long seed, long size) {
            new Random(seed).nextBytes(block);
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void writeTo(OutputStream out, long from, long to) throws IOException {
            byte[] stamped = block.clone();
            long stampedIndex = -1;
            long at = from;
            while (at < to) {
                long index = at / BLOCK;
                if (index != stampedIndex) {
                    for (int i = 0; i < 8; i++) {
                        stamped[i] = (byte) (block[i] ^ (index >>> (8 * i)));
                    }
                    stampedIndex = index;
                }
                int offset = (int) (at % BLOCK);
                int length = (int) Math.min(Math.min(BLOCK - offset, to - at), 256 * 1024);
                out.write(stamped, offset, length);
                at += length;
            }
        }

        @Override
        public String sha256() {
            if (sha256 == null) {
                sha256 = ContentSource.super.sha256();
            }
            return sha256;
        }
    }
}
