package dev.nebari.llm.download.transfer;

import dev.nebari.llm.download.hub.RepoFile;
import dev.nebari.llm.download.store.ContentVerifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partial file of one download: many range requests write into it at their offsets, in any order, and its
 * content check (SHA-256 or git blob id) is computed in file order while they do, so that the file is verified a
 * moment after its last byte arrives instead of being read again from the start.
 *
 * <p>A digest takes bytes in order only. A write that lands exactly where the digested prefix ends is fed to the
 * digest straight from the buffer that carries it. Bytes written further ahead (the other range requests in flight,
 * chunks resumed from an earlier run) are read back from the file once the gap before them has filled: {@link
 * #catchUp()} does that, called whenever a chunk completes, and {@link #verdict()} finishes it. After a catch-up
 * reaches the position a request is writing at, that request's next buffers are fed directly again. Memory stays
 * bounded: nothing is held back, the read-back uses one buffer.
 *
 * <p>Whichever thread feeds the digest holds the {@code feeding} flag, so at most one does at a time, without
 * holding the lock while it hashes.
 */
final class PartialFile implements AutoCloseable {

    private final FileChannel channel;
    private final RepoFile file;
    private ContentVerifier.Check check;
    /** Bytes {@code [0, digested)} have been fed to {@link #check}. */
    private long digested;
    private boolean feeding;
    /** Set when feeding failed half-way; the verdict then reads the whole file with a fresh check. */
    private boolean checkBroken;
    /** Written ranges beyond {@link #digested}, start to end, disjoint and not adjacent. */
    private final TreeMap<Long, Long> ahead = new TreeMap<>();
    /** 0: no flush-behind queued; 1: one queued or running; 2: and another one asked for meanwhile. */
    private final AtomicInteger flushes = new AtomicInteger();

    private PartialFile(FileChannel channel, RepoFile file) {
        this.channel = channel;
        this.file = file;
        this.check = ContentVerifier.start(file);
    }

    static PartialFile open(Path path, RepoFile file) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new PartialFile(channel, file);
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Declares bytes {@code [from, to)} already on disk (resumed from an earlier run); they are read back. */
    synchronized void alreadyWritten(long from, long to) {
        addAhead(from, to);
    }

    /**
     * Writes {@code buffer} (position to limit) at offset {@code at} for a request that started writing at {@code
     * origin}, and feeds it to the digest when it continues the digested prefix.
     */
    void write(ByteBuffer buffer, long at, long origin) throws IOException {
        int count = buffer.remaining();
        boolean direct;
        synchronized (this) {
            direct = !feeding && !checkBroken && digested == at;
            feeding |= direct;
        }
        ByteBuffer bytes = direct ? buffer.duplicate() : null;
        try {
            long position = at;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        } catch (IOException | RuntimeException e) {
            if (direct) {
                release(at);
            }
            throw e;
        }
        if (bytes != null) {
            feed(bytes, at);
        } else {
            synchronized (this) {
                addAhead(at, at + count);
            }
            // When the digest has just reached this request's bytes, read back the ones it wrote meanwhile so that
            // its next buffer is fed directly. Only those: this is a network thread, with a stall watchdog on it.
            catchUp(origin, at + count);
        }
    }

    /**
     * Reads back and digests the written bytes that continue the digested prefix, unless another thread is feeding
     * the digest already (it will see them). Returns at the first gap.
     */
    void catchUp() throws IOException {
        catchUp(0, Long.MAX_VALUE);
    }

    /** Catches up over {@code [origin, limit)} only, once the digested prefix has reached {@code origin}. */
    private void catchUp(long origin, long limit) throws IOException {
        while (true) {
            long from;
            long to;
            synchronized (this) {
                to = Math.min(limit, contiguousEnd());
                if (feeding || checkBroken || digested < origin || to <= digested) {
                    return;
                }
                feeding = true;
                from = digested;
            }
            readBack(from, to);
        }
    }

    /**
     * The verdict on the complete file: digests whatever is not yet (all writers are done by now), then compares
     * size and digest with the listing.
     */
    ContentVerifier.Verdict verdict() throws IOException, InterruptedException {
        long from;
        synchronized (this) {
            while (feeding) {
                wait();
            }
            feeding = true;
            from = digested;
        }
        long size = channel.size();
        if (checkBroken) {
            check = ContentVerifier.start(file);
            from = 0;
        }
        try {
            if (check.readsContent() && from < size) {
                ContentVerifier.feed(channel, from, size, check);
            }
            return check.verdict(size);
        } finally {
            synchronized (this) {
                feeding = false;
                notifyAll();
            }
        }
    }

    /** Empties the file and starts a fresh check, for a download from scratch. No writer may be active. */
    synchronized void reset() throws IOException {
        channel.truncate(0);
        check = ContentVerifier.start(file);
        digested = 0;
        checkBroken = false;
        ahead.clear();
    }

    /** Syncs the file to disk: the last step before it may be renamed into place. */
    void force() throws IOException {
        channel.force(false);
    }

    /**
     * Starts syncing what was written so far on {@code flusher}, without waiting for it, unless a sync is already
     * queued (then one more runs after it). The kernel would otherwise keep a whole multi-GiB file dirty in memory
     * until {@link #force()}, whose wait for the disk then adds seconds after the last byte arrived.
     */
    void flushBehind(Executor flusher) {
        if (flushes.getAndUpdate(n -> Math.min(n + 1, 2)) == 0) {
            try {
                flusher.execute(this::flushWhileAsked);
            } catch (RejectedExecutionException e) {
                flushes.set(0); // the download is over
            }
        }
    }

    private void flushWhileAsked() {
        do {
            try {
                channel.force(false);
            } catch (IOException e) {
                // Only an early start; force() reports what matters, and the channel may be closed by now.
            }
        } while (flushes.decrementAndGet() > 0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void feed(ByteBuffer bytes, long at) {
        int count = bytes.remaining();
        try {
            check.update(bytes);
            release(at + count);
        } catch (RuntimeException e) {
            broken();
            throw e;
        }
    }

    private void readBack(long from, long to) throws IOException {
        try {
            ContentVerifier.feed(channel, from, to, check);
        } catch (IOException | RuntimeException e) {
            broken();
            throw e;
        }
        release(to);
    }

    /** Ends a feeding turn with the digest at {@code to}. */
    private synchronized void release(long to) {
        digested = Math.max(digested, to);
        while (!ahead.isEmpty() && ahead.firstKey() < digested) {
            Map.Entry<Long, Long> first = ahead.pollFirstEntry();
            if (first.getValue() > digested) {
                ahead.put(digested, first.getValue());
            }
        }
        feeding = false;
        notifyAll();
    }

    private synchronized void broken() {
        checkBroken = true;
        feeding = false;
        notifyAll();
    }

    /** Where the written bytes that continue the digested prefix end. */
    private long contiguousEnd() {
        Map.Entry<Long, Long> range = ahead.floorEntry(digested);
        return range != null && range.getValue() > digested ? range.getValue() : digested;
    }

    private void addAhead(long from, long to) {
        long start = Math.max(from, digested);
        long end = to;
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> before = ahead.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            ahead.remove(before.getKey());
        }
        for (Map.Entry<Long, Long> next = ahead.ceilingEntry(start); next != null && next.getKey() <= end;
                next = ahead.ceilingEntry(start)) {
            end = Math.max(end, next.getValue());
            ahead.remove(next.getKey());
        }
        ahead.put(start, end);
    }
}
