package dev.nebari.llm;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CPU seconds (user + system) each named process spent during a phase of a benchmark, beside the phase's wall
 * time: on a 2-core machine it shows who the bottleneck is (the API server and etcd, or our processes). For the
 * Java processes also their garbage collections in the phase (young and full, with their pauses, from {@code jstat}):
 * heap settings trade memory against them.
 */
final class CpuAccount {

    /** The processes whose collections are counted: the application's. */
    private static final List<String> APPLICATION = List.of("operator", "portal");

    private final Map<String, Long> processes;
    private final Map<String, Double> start = new LinkedHashMap<>();
    private final Map<String, Collections> collectionsAtStart = new LinkedHashMap<>();
    private final long began = System.nanoTime();

    private CpuAccount(Map<String, Long> processes) throws IOException {
        this.processes = processes;
        for (var process : processes.entrySet()) {
            start.put(process.getKey(), MemoryBenchmark.cpuSeconds(process.getValue()));
            if (APPLICATION.contains(process.getKey())) {
                Collections.of(process.getValue()).ifPresent(c -> collectionsAtStart.put(process.getKey(), c));
            }
        }
    }

    /** Young and full collections so far and their pause seconds, as {@code jstat -gc} counts them. */
    record Collections(long young, double youngSeconds, long full, double fullSeconds) {

        static Optional<Collections> of(long pid) {
            try {
                var lines = MemoryBenchmark.jdkTool("jstat", "-gc", Long.toString(pid)).strip().split("\n");
                if (lines.length < 2) {
                    return Optional.empty();
                }
                var names = List.of(lines[0].trim().split("\\s+"));
                var values = lines[1].trim().split("\\s+");
                Function<String, Double> value = name -> Double.parseDouble(values[names.indexOf(name)]);
                return Optional.of(new Collections(value.apply("YGC").longValue(), value.apply("YGCT"),
                        value.apply("FGC").longValue(), value.apply("FGCT")));
            } catch (Exception notAJvm) {
                return Optional.empty();
            }
        }

        Collections since(Collections before) {
            return new Collections(young - before.young, youngSeconds - before.youngSeconds, full - before.full,
                    fullSeconds - before.fullSeconds);
        }
    }

    /** Starts counting for the processes given by name and pid. */
    static CpuAccount of(Map<String, Long> processes) throws IOException {
        return new CpuAccount(new LinkedHashMap<>(processes));
    }

    /** One line: the wall time and each process's CPU seconds since the start, with their sum. */
    String summary() throws IOException {
        var wall = (System.nanoTime() - began) / 1e9;
        var line = new StringBuilder(String.format("CPU during %.1f s wall (2 cores = %.1f CPU s):", wall, 2 * wall));
        var total = 0.0;
        for (var process : processes.entrySet()) {
            var used = MemoryBenchmark.cpuSeconds(process.getValue()) - start.get(process.getKey());
            total += used;
            line.append(String.format(" %s %.1f,", process.getKey(), used));
        }
        line.append(String.format(" total %.1f s", total));
        for (var counted : collectionsAtStart.entrySet()) {
            Collections.of(processes.get(counted.getKey())).map(now -> now.since(counted.getValue())).ifPresent(gc ->
                    line.append(String.format("; %s collections: %d young (%.2f s), %d full (%.2f s)", counted.getKey(),
                            gc.young(), gc.youngSeconds(), gc.full(), gc.fullSeconds())));
        }
        return line.toString();
    }
}
