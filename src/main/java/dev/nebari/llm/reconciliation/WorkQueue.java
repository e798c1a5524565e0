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
    private final PriorityQueue<Entry<K>> waiting = new PriorityQueue<>();
    private final Map<K, Long> dueOfWaiting = new HashMap<>();
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
            var current = dueOfWaiting.get(key);
            if (current != null && current <= due) {
                return;
            }
            if (current != null) {
                waiting.removeIf(e -> e.key().equals(key));
            }
            dueOfWaiting.put(key, due);
            waiting.add(new Entry<>(key, due, sequence++));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next due key; empty when the queue is shut down. The caller must call {@link #done}. */
    Optional<K> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (shutDown) {
                    return Optional.empty();
                }
                var head = waiting.peek();
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
                dueOfWaiting.remove(head.key());
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
                dueOfWaiting.put(key, again);
                waiting.add(new Entry<>(key, again, sequence++));
                changed.signalAll();
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
            var head = waiting.peek();
            return processing.isEmpty() && (head == null || head.dueMillis() > clock.millis());
        } finally {
            lock.unlock();
        }
    }

    int depth() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            waiting.clear();
            dueOfWaiting.clear();
            addedWhileProcessing.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
