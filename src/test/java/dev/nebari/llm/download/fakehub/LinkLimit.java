package dev.nebari.llm.download.fakehub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One network link shared by every response the fake Hub sends: each write books the link for as long as its bytes
 * take at the link's rate, after the bookings before it, and returns when its bytes would have gone through. So
 * however many connections a client opens, together they get at most the link's rate — the case where the link, not
 * the client, is the limit.
 */
final class LinkLimit {

    private final double nanosPerByte;
    private long linkFreeAt = System.nanoTime();

    LinkLimit(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("link rate must be positive: " + bytesPerSecond);
        }
        this.nanosPerByte = 1e9 / bytesPerSecond;
    }

    /** Waits until {@code bytes} have crossed the link. */
    void transfer(int bytes) throws IOException {
        long done;
        synchronized (this) {
            long start = Math.max(System.nanoTime(), linkFreeAt);
            linkFreeAt = start + (long) (bytes * nanosPerByte);
            done = linkFreeAt;
        }
        long wait;
        while ((wait = done - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
            if (Thread.interrupted()) {
                throw new InterruptedIOException("link transfer interrupted");
            }
        }
    }
}
