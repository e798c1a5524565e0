package dev.nebari.llm.reconciliation;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The reconciler's work queue, with the semantics of client-go's rate-limited queue: a key waiting in the queue is
 * held once however often it is added; a key being processed is never handed to a second worker (if it is added
 * meanwhile it is processed again afterwards); failures are retried with exponential back-off per key.
 */
final class WorkQueue<K extends Comparable<K>> {

    private record Entry<K>(K key, long dueMillis, long sequence) implements Comparable<Entry<K>> {
        @Override
        public int compareTo(Entry<K> other) {
            var byDue = Long.compare(dueMillis, other.dueMillis);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /**
     * Entries by due time. A key brought forward leaves its later entry here, stale, to be dropped when it comes to
     * the head ({@link #head}): removing it at once searched the whole queue, at every key change of a model waiting
     * for a later pass (a twentieth of the operator's CPU while keys were minted at 1,000 models, bench/scale).
     */
    private final PriorityQueue<Entry<K>> waiting = new PriorityQueue<>();
    /** Each waiting key's current entry, the one in {@link #waiting} that counts. */
    private final Map<K, Entry<K>> waitingEntry = new HashMap<>();
    private final Set<K> processing = new HashSet<>();
    private final Map<K, Long> addedWhileProcessing = new HashMap<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Clock clock;
    private long sequence;
    private boolean shutDown;

    WorkQueue(Duration baseDelay, Duration maxDelay, Clock clock) {
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.clock = clock;
    }

    void add(K key) {
        addAfter(key, Duration.ZERO);
    }

    /** Queues the key to be processed no earlier than {@code delay} from now (earlier if it is already due sooner). */
    void addAfter(K key, Duration delay) {
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            var due = clock.millis() + delay.toMillis();
            if (processing.contains(key)) {
                addedWhileProcessing.merge(key, due, Math::min);
                return;
            }
            var current = waitingEntry.get(key);
            if (current != null && current.dueMillis() <= due) {
                return;
            }
            enqueue(key, due);
        } finally {
            lock.unlock();
        }
    }

    /** Puts the key in the queue with this due time, superseding its entry there if it has one. Lock held. */
    private void enqueue(K key, long due) {
        var entry = new Entry<>(key, due, sequence++);
        waitingEntry.put(key, entry);
        waiting.add(entry);
        changed.signalAll();
    }

    /** The earliest current entry, after dropping the superseded ones before it. Lock held. */
    private @Nullable Entry<K> head() {
        var head = waiting.peek();
        while (head != null && waitingEntry.get(head.key()) != head) {
            waiting.poll();
            head = waiting.peek();
        }
        return head;
    }

    /** Waits for the next due key; empty when the queue is shut down. The caller must call {@link #done}. */
    Optional<K> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (shutDown) {
                    return Optional.empty();
                }
                var head = head();
                if (head == null) {
                    changed.await();
                    continue;
                }
                var wait = head.dueMillis() - clock.millis();
                if (wait > 0) {
                    changed.await(wait, TimeUnit.MILLISECONDS);
                    continue;
                }
                waiting.poll();
                waitingEntry.remove(head.key());
                processing.add(head.key());
                return Optional.of(head.key());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Marks the key processed; if it was added meanwhile, it is queued again. */
    void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            var again = addedWhileProcessing.remove(key);
            if (again != null && !shutDown) {
                enqueue(key, again);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Retries the key after an exponentially growing delay (base × 2^failures, capped). */
    Duration retryLater(K key) {
        int attempts;
        lock.lock();
        try {
            attempts = failures.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        var delay = baseDelay.multipliedBy(1L << Math.min(attempts - 1, 20));
        if (delay.compareTo(maxDelay) > 0) {
            delay = maxDelay;
        }
        addAfter(key, delay);
        return delay;
    }

    /** Clears the key's failure count after a success. */
    void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** Nothing is being processed and nothing is due now (entries scheduled for later do not count). */
    boolean idle() {
        lock.lock();
        try {
            var head = head();
            return processing.isEmpty() && (head == null || head.dueMillis() > clock.millis());
        } finally {
            lock.unlock();
        }
    }

    int depth() {
        lock.lock();
        try {
            return waitingEntry.size();
        } finally {
            lock.unlock();
        }
    }

    void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            waiting.clear();
            waitingEntry.clear();
            addedWhileProcessing.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
