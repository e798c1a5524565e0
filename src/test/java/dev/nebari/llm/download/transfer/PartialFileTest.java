package dev.nebari.llm.download.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.download.hub.RepoFile;
import dev.nebari.llm.download.store.ContentVerifier.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digest of a partial file computed in order while chunks are written in any order. */
class PartialFileTest {

    static final int SIZE = 3 * 1024 * 1024 + 321;
    static final int CHUNK = 256 * 1024;

    final byte[] content = random(SIZE);
    final RepoFile expected = new RepoFile("model.safetensors", SIZE, Optional.of(sha256(content)), Optional.empty());
    @TempDir
    Path dir;

    @Test
    void matchesWhenChunksArriveInReverseOrder() throws Exception {
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected)) {
            List<Integer> starts = chunkStarts();
            Collections.reverse(starts);
            for (int start : starts) {
                writeChunk(file, content, start, 64 * 1024);
                file.catchUp();
            }

            assertThat(file.verdict()).isEqualTo(Verdict.MATCHES);
        }
    }

    @Test
    void matchesWhenManyRequestsWriteAtOnce() throws Exception {
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected);
                ExecutorService requests = Executors.newFixedThreadPool(6)) {
            List<Future<?>> done = new ArrayList<>();
            for (int start : chunkStarts()) {
                done.add(requests.submit(() -> {
                    writeChunk(file, content, start, 8 * 1024);
                    file.catchUp();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }

            assertThat(file.verdict()).isEqualTo(Verdict.MATCHES);
        }
    }

    @Test
    void detectsAWrongByteInAChunkFedStraightToTheDigest() throws Exception {
        // In file order every buffer continues the digested prefix.
        assertThat(verdictWithWrongByteAt(SIZE - 10, chunkStarts())).isEqualTo(Verdict.WRONG_DIGEST);
    }

    @Test
    void detectsAWrongByteInAChunkWrittenAheadAndReadBack() throws Exception {
        List<Integer> lastFirst = chunkStarts();
        Collections.reverse(lastFirst);
        assertThat(verdictWithWrongByteAt(SIZE - 10, lastFirst)).isEqualTo(Verdict.WRONG_DIGEST);
    }

    @Test
    void readsBackBytesResumedFromAnEarlierRun() throws Exception {
        Files.write(dir.resolve("part"), content);
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected)) {
            file.alreadyWritten(0, SIZE);

            assertThat(file.verdict()).isEqualTo(Verdict.MATCHES);
        }
    }

    @Test
    void detectsResumedBytesThatChangedOnDisk() throws Exception {
        byte[] damaged = content.clone();
        damaged[CHUNK + 5] ^= 1;
        Files.write(dir.resolve("part"), damaged);
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected)) {
            file.alreadyWritten(0, 2 * CHUNK);
            writeChunk(file, content, 2 * CHUNK, SIZE - 2 * CHUNK, 64 * 1024);

            assertThat(file.verdict()).isEqualTo(Verdict.WRONG_DIGEST);
        }
    }

    @Test
    void startsAFreshDigestAfterAReset() throws Exception {
        byte[] wrong = content.clone();
        wrong[7] ^= 1;
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected)) {
            for (int start : chunkStarts()) {
                writeChunk(file, wrong, start, 64 * 1024);
            }
            assertThat(file.verdict()).isEqualTo(Verdict.WRONG_DIGEST);

            file.reset();
            for (int start : chunkStarts()) {
                writeChunk(file, content, start, 64 * 1024);
            }

            assertThat(file.verdict()).isEqualTo(Verdict.MATCHES);
        }
    }

    @Test
    void reportsAWrongSizeWhenTheFileIsShort() throws Exception {
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected)) {
            writeChunk(file, content, 0, SIZE - 1, 64 * 1024);

            assertThat(file.verdict()).isEqualTo(Verdict.WRONG_SIZE);
        }
    }

    private Verdict verdictWithWrongByteAt(int index, List<Integer> starts) throws Exception {
        byte[] wrong = content.clone();
        wrong[index] ^= 1;
        try (PartialFile file = PartialFile.open(dir.resolve("part"), expected)) {
            for (int start : starts) {
                writeChunk(file, wrong, start, 64 * 1024);
                file.catchUp();
            }
            return file.verdict();
        }
    }

    private static List<Integer> chunkStarts() {
        List<Integer> starts = new ArrayList<>();
        for (int start = 0; start < SIZE; start += CHUNK) {
            starts.add(start);
        }
        return starts;
    }

    /** Writes one chunk as a range request would: buffer after buffer from its start. */
    private static void writeChunk(PartialFile file, byte[] bytes, int start, int buffer) throws IOException {
        writeChunk(file, bytes, start, Math.min(CHUNK, bytes.length - start), buffer);
    }

    private static void writeChunk(PartialFile file, byte[] bytes, int start, int length, int buffer)
            throws IOException {
        for (int at = start; at < start + length; at += buffer) {
            file.write(ByteBuffer.wrap(bytes, at, Math.min(buffer, start + length - at)).slice(), at, start);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
