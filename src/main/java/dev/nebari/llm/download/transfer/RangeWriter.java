package dev.nebari.llm.download.transfer;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes one HTTP response body straight into its place in a partial file, one buffer at a time: the next buffer is
 * only requested after the previous one is on its way to disk (and into the file's digest, when it continues the
 * digested prefix), so memory stays bounded by the HTTP client's buffers no matter how large the range. It
 * remembers how far it got, which is where a retry resumes. Once {@link #abort aborted} it writes nothing more, so a
 * retry of the same range never races with it.
 */
final class RangeWriter implements BodySubscriber<Long> {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final PartialFile file;
    private final long origin;
    private final long end;
    private final LongConsumer onBytes;
    private final CompletableFuture<Long> body = new CompletableFuture<>();
    private volatile long position;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile Flow.@Nullable Subscription subscription;
    private long skip;

    /** Writes bytes {@code [from, end)} of the file. */
    RangeWriter(PartialFile file, long from, long end, LongConsumer onBytes) {
        this.file = file;
        this.position = from;
        this.origin = from;
        this.end = end;
        this.onBytes = onBytes;
    }

    long position() {
        return position;
    }

    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    /** Chooses how to consume the final response: this writer for content, a discarding one for errors. */
    BodySubscriber<Long> forResponse(ResponseInfo info) {
        lastActivityNanos = System.nanoTime();
        if (info.statusCode() == 206) {
            Matcher range = CONTENT_RANGE.matcher(info.headers().firstValue("Content-Range").orElse(""));
            if (!range.matches() || Long.parseLong(range.group(1)) != position) {
                return failing(new IOException("server answered with another range than requested: "
                        + info.headers().firstValue("Content-Range").orElse("none")));
            }
            return this;
        }
        if (info.statusCode() == 200) {
            // Servers without range support send the whole file; skip to where this range starts.
            skip = position;
            return this;
        }
        return BodySubscribers.replacing(-1L);
    }

    void abort(IOException reason) {
        synchronized (this) {
            // Waits for a buffer being written: after this, position() is final.
            body.completeExceptionally(reason);
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (body.isDone()) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        Flow.Subscription s = subscription;
        if (body.isDone() || s == null) {
            if (s != null) {
                s.cancel();
            }
            return;
        }
        try {
            synchronized (this) {
                if (body.isDone()) {
                    s.cancel();
                    return;
                }
                for (ByteBuffer buffer : buffers) {
                    write(buffer);
                }
            }
            lastActivityNanos = System.nanoTime();
            if (position >= end) {
                s.cancel();
                body.complete(position);
            } else {
                s.request(1);
            }
        } catch (IOException e) {
            s.cancel();
            body.completeExceptionally(e);
        }
    }

    private void write(ByteBuffer buffer) throws IOException {
        if (skip > 0) {
            int skipped = (int) Math.min(skip, buffer.remaining());
            buffer.position(buffer.position() + skipped);
            skip -= skipped;
        }
        long room = end - position;
        if (buffer.remaining() > room) {
            buffer.limit(buffer.position() + (int) room);
        }
        int count = buffer.remaining();
        if (count > 0) {
            file.write(buffer, position, origin);
            position += count;
            onBytes.accept(count);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        body.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        body.complete(position);
    }

    @Override
    public CompletionStage<Long> getBody() {
        return body;
    }

    private static BodySubscriber<Long> failing(IOException reason) {
        BodySubscriber<Long> discard = BodySubscribers.replacing(-1L);
        return new BodySubscriber<>() {
            private final CompletableFuture<Long> failed = CompletableFuture.failedFuture(reason);

            @Override
            public CompletionStage<Long> getBody() {
                return failed;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                discard.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        };
    }
}
