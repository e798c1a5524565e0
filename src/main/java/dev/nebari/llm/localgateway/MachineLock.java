package dev.nebari.llm.localgateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local gateway per machine: {@code aigw} binds fixed ports (1061, 18000, 18001, 19000 and more), so a second
 * one, from another test JVM or a local demo, waits here until the first has stopped. The holder records the
 * processes it starts; a holder that died without stopping them (killed JVM) leaves them behind, and the next
 * holder stops them before it starts its own.
 */
final class MachineLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MachineLock.class);
    /** File locks are per process: within one JVM the holders queue here first. */
    private static final Semaphore IN_THIS_JVM = new Semaphore(1, true);
    private static final Path DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "nebari-llm-local-gateway");

    private final FileChannel channel;
    private final FileLock lock;
    private final Path processes;

    private MachineLock(FileChannel channel, FileLock lock, Path processes) {
        this.channel = channel;
        this.lock = lock;
        this.processes = processes;
    }

    static MachineLock acquire(Duration patience) {
        try {
            if (!IN_THIS_JVM.tryAcquire()) {
                log.info("Waiting for the other local gateway in this JVM to stop (it binds fixed ports)");
                if (!IN_THIS_JVM.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("another local gateway in this process did not stop within " + patience);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the local gateway lock", e);
        }
        try {
            Files.createDirectories(DIRECTORY);
            var channel = FileChannel.open(DIRECTORY.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            var lock = channel.tryLock();
            if (lock == null) {
                log.info("Waiting for the local gateway of another process on this machine to stop ({}); it binds fixed ports",
                        DIRECTORY.resolve("lock"));
                var deadline = System.nanoTime() + patience.toNanos();
                while (lock == null && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    lock = channel.tryLock();
                }
                if (lock == null) {
                    channel.close();
                    throw new IllegalStateException("another process on this machine kept the local gateway for more than "
                            + patience + " (lock " + DIRECTORY.resolve("lock") + ")");
                }
            }
            var held = new MachineLock(channel, lock, DIRECTORY.resolve("processes"));
            held.stopLeftovers();
            return held;
        } catch (IOException e) {
            IN_THIS_JVM.release();
            throw new UncheckedIOException("cannot take the local gateway lock in " + DIRECTORY, e);
        } catch (InterruptedException e) {
            IN_THIS_JVM.release();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the local gateway lock", e);
        } catch (RuntimeException e) {
            IN_THIS_JVM.release();
            throw e;
        }
    }

    /** Records a process this holder started, so that a later holder can stop it if this one never does. */
    synchronized void recordProcess(long pid) {
        try {
            Files.writeString(processes, pid + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.debug("Cannot record process {}: {}", pid, e.toString());
        }
    }

    private void stopLeftovers() throws IOException {
        if (!Files.exists(processes)) {
            return;
        }
        var stopped = new ArrayList<String>();
        for (var line : Files.readAllLines(processes)) {
            try {
                ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(process -> {
                    var command = process.info().command().orElse("");
                    if (List.of("aigw", "envoy", "ratelimit", "redis-server").stream().anyMatch(command::endsWith)) {
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                        stopped.add(line.strip() + " (" + command + ")");
                    }
                });
            } catch (NumberFormatException ignored) {
                // not a pid: ignore the line
            }
        }
        Files.delete(processes);
        if (!stopped.isEmpty()) {
            log.warn("Stopped processes a previous local gateway left running: {}", stopped);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(processes);
            lock.release();
            channel.close();
        } catch (IOException e) {
            log.debug("Releasing the local gateway lock: {}", e.toString());
        } finally {
            IN_THIS_JVM.release();
        }
    }
}
