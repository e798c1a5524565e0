package dev.nebari.llm.download.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Exclusive right to write a target directory, shared by replicas that mount the same volume.
 *
 * <p>Why a lease file instead of {@code FileChannel.lock()}: OS file locks are not reliable on the network file
 * systems that shared model volumes use, and a lock held by a frozen or partitioned pod never goes away.
 *
 * <p>The lease lives in generation files {@code lease.<n>}; the highest generation is the current lease. Taking the
 * lease means creating generation n+1 with a hard link, which is atomic and fails if another contender won. The
 * holder renews by rewriting its file (a renewal counter) a few times per lease duration. A waiter never compares
 * clocks with the holder: it declares the lease expired when the file has not changed for a whole lease duration
 * measured on its own monotonic clock, so clock skew between nodes does not matter.
 */
public final class DirectoryLease implements AutoCloseable {

    private static final String PREFIX = "lease.";

    private final Path dir;
    private final long generation;
    private final String owner;
    private final ScheduledExecutorService renewer;
    private volatile boolean held = true;
    private long renewals;

    private DirectoryLease(Path dir, long generation, String owner, Duration duration) {
        this.dir = dir;
        this.generation = generation;
        this.owner = owner;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-renewer");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, duration.toMillis() / 3);
        renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Blocks until this process holds the lease on {@code dir}. {@code onWait} receives the holder's name whenever
     * a new holder is seen.
     */
    public static DirectoryLease acquire(Path dir, String owner, Duration duration, Consumer<String> onWait)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        long poll = Math.clamp(duration.toMillis() / 4, 10, 500);
        String observed = "";
        long observedSince = System.nanoTime();
        while (true) {
            OptionalLong top = highestGeneration(dir);
            if (top.isEmpty()) {
                if (tryCreate(dir, 1, owner)) {
                    return new DirectoryLease(dir, 1, owner, duration);
                }
                continue;
            }
            long generation = top.getAsLong();
            String content = read(dir.resolve(PREFIX + generation));
            if (content.isEmpty()) {
                continue; // replaced or cleaned up between listing and reading
            }
            boolean released = content.contains("state=released");
            String observation = generation + "\n" + content;
            if (!observation.equals(observed)) {
                if (!released && !holderOf(observed).equals(holderOf(observation))) {
                    onWait.accept(holderOf(observation));
                }
                observed = observation;
                observedSince = System.nanoTime();
            }
            boolean expired = System.nanoTime() - observedSince >= duration.toNanos();
            if (released || expired) {
                if (tryCreate(dir, generation + 1, owner)) {
                    return new DirectoryLease(dir, generation + 1, owner, duration);
                }
                continue;
            }
            Thread.sleep(poll);
        }
    }

    /** False once another process took over (this one was paused for longer than the lease duration). */
    public boolean isHeld() {
        return held && !supersededByAnother();
    }

    @Override
    public void close() throws IOException {
        renewer.shutdownNow();
        if (isHeld()) {
            write("released");
        }
        held = false;
    }

    private void renew() {
        try {
            if (supersededByAnother()) {
                held = false;
                renewer.shutdown();
                return;
            }
            renewals++;
            write("held");
        } catch (IOException e) {
            // A missed renewal is harmless unless it repeats for a whole lease duration; the next one retries.
        }
    }

    private boolean supersededByAnother() {
        try {
            return highestGeneration(dir).orElse(generation) > generation;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void write(String state) throws IOException {
        Path temp = dir.resolve(PREFIX + generation + "." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(temp, content(owner, renewals, state));
        Files.move(temp, dir.resolve(PREFIX + generation), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static boolean tryCreate(Path dir, long generation, String owner) throws IOException {
        Path temp = dir.resolve(PREFIX + generation + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().threadId() + ".new");
        Files.writeString(temp, content(owner, 0, "held"));
        try {
            Files.createLink(dir.resolve(PREFIX + generation), temp);
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(temp);
        }
        for (long older = generation - 1; older > 0; older--) {
            if (!Files.deleteIfExists(dir.resolve(PREFIX + older))) {
                break;
            }
        }
        return true;
    }

    private static OptionalLong highestGeneration(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(PREFIX) && name.substring(PREFIX.length()).chars()
                            .allMatch(Character::isDigit) && name.length() > PREFIX.length())
                    .mapToLong(name -> Long.parseLong(name.substring(PREFIX.length())))
                    .max();
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static String content(String owner, long renewals, String state) {
        return "owner=" + owner + "\nrenewal=" + renewals + "\nstate=" + state + "\n";
    }

    private static String holderOf(String observation) {
        return observation.lines().filter(l -> l.startsWith("owner=")).findFirst()
                .map(l -> l.substring("owner=".length())).orElse("");
    }
}
