package dev.nebari.llm.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The namespace this process runs in, for objects the pack keeps beside itself (the leader Lease, the webhook's
 * certificate Secret). The chart sets {@code POD_NAMESPACE}; the service-account mount says the same inside any pod;
 * outside a cluster (local runs, tests) it is {@code default}.
 */
public final class PodNamespace {

    private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private PodNamespace() {
    }

    public static String current() {
        var fromEnv = System.getenv("POD_NAMESPACE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return Files.exists(SERVICE_ACCOUNT_NAMESPACE) ? Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim() : "default";
        } catch (IOException e) {
            return "default";
        }
    }
}
