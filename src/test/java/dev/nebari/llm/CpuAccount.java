package dev.nebari.llm;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU seconds (user + system) each named process spent during a phase of a benchmark, beside the phase's wall
 * time: on a 2-core machine it shows who the bottleneck is (the API server and etcd, or our processes).
 */
final class CpuAccount {

    private final Map<String, Long> processes;
    private final Map<String, Double> start = new LinkedHashMap<>();
    private final long began = System.nanoTime();

    private CpuAccount(Map<String, Long> processes) throws IOException {
        this.processes = processes;
        for (var process : processes.entrySet()) {
            start.put(process.getKey(), MemoryBenchmark.cpuSeconds(process.getValue()));
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
        return line.append(String.format(" total %.1f s", total)).toString();
    }
}
