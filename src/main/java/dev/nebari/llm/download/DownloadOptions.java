package dev.nebari.llm.download;

import dev.nebari.llm.download.hub.HfToken;
import dev.nebari.llm.download.hub.ProxyRoutes;
import dev.nebari.llm.download.hub.TrustedCertificates;
import dev.nebari.llm.download.transfer.RetryPolicy;
import dev.nebari.llm.download.transfer.TransferEngine;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Everything one download run needs, parsed from the command line and the environment. */
public record DownloadOptions(
        String repo,
        String revision,
        Path target,
        URI endpoint,
        Optional<HfToken> token,
        ProxyRoutes proxies,
        TrustedCertificates trust,
        TransferEngine.Settings transfer,
        Duration leaseDuration,
        Duration progressInterval,
        String owner) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    static final String USAGE = """
            usage: downloader --repo ORG/NAME [--revision REV] --target DIR [--repo ... --target ...] [options]
              --revision REV          branch, tag or commit (default main)
                                      each --repo starts one more repository, downloaded after the one before it;
                                      --revision and --target after it are that repository's (LoRA adapters beside
                                      their base model)
              --concurrency N         parallel requests (default 8)
              --chunk-size SIZE       bytes per range request, e.g. 32M (default 32M)
              --stall-timeout DUR     retry a request that delivers no byte for this long, e.g. 30s (default 30s)
              --retries N             consecutive failed attempts per request before giving up (default 8)
              --retry-backoff DUR     first retry delay, doubled per failure up to 30s (default 1s)
              --lease-duration DUR    a holder silent this long loses the directory lease (default 30s)
              --progress-interval DUR time between progress lines (default 1s)
              --termination-log FILE  where to write the failure message (default /dev/termination-log, the file
                                      Kubernetes reads, written only when it exists)
            environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN,
              HTTPS_PROXY, HTTP_PROXY (http://[USER:PASSWORD@]HOST:PORT), NO_PROXY (hosts, .domains, IPs, CIDRs, *),
              each also in lower case; SSL_CERT_FILE (PEM CA certificates trusted besides the JDK's)""";

    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

    /** The flags that belong to one repository; every other flag applies to all of them. */
    private static final List<String> PER_REPOSITORY = List.of("repo", "revision", "target");

    /**
     * Parses a command line that may name several repositories, each {@code --repo} followed by its own
     * {@code --revision} and {@code --target} (those given before the first {@code --repo} are the first one's).
     * They are downloaded one after the other, each with its own lease, manifest and progress; the other flags
     * apply to all. Throws a {@link DownloadFailure} with {@link ExitCode#USAGE} on bad input.
     */
    public static List<DownloadOptions> parseAll(List<String> args, Map<String, String> env) {
        var shared = new ArrayList<String>();
        var repositories = new ArrayList<Map<String, String>>();
        repositories.add(new LinkedHashMap<>());
        var pairs = pairs(args);
        for (var pair : pairs) {
            if (!PER_REPOSITORY.contains(pair.getKey())) {
                shared.addAll(List.of("--" + pair.getKey(), pair.getValue()));
                continue;
            }
            var current = repositories.getLast();
            if (pair.getKey().equals("repo") && current.containsKey("repo")) {
                current = new LinkedHashMap<>();
                repositories.add(current);
            }
            if (current.putIfAbsent(pair.getKey(), pair.getValue()) != null) {
                throw usage("--" + pair.getKey() + " is given twice for "
                        + (current.containsKey("repo") ? "repository " + current.get("repo") : "the first repository")
                        + "; give each --repo its own --revision and --target after it");
            }
        }
        var targets = new LinkedHashSet<String>();
        var parsed = new ArrayList<DownloadOptions>();
        for (var repository : repositories) {
            var one = new ArrayList<String>();
            repository.forEach((name, value) -> one.addAll(List.of("--" + name, value)));
            one.addAll(shared);
            var options = parse(one, env);
            if (!targets.add(options.target().toString())) {
                throw usage("--target " + options.target() + " is given for two repositories; each needs its own directory");
            }
            parsed.add(options);
        }
        return List.copyOf(parsed);
    }

    /** Parses {@code args} for one repository; throws a {@link DownloadFailure} with {@link ExitCode#USAGE} on bad input. */
    public static DownloadOptions parse(List<String> args, Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        for (var pair : pairs(args)) {
            flags.put(pair.getKey(), pair.getValue());
        }
        checkKnown(flags);
        String repo = required(flags, "repo");
        if (!REPO.matcher(repo).matches()) {
            throw usage("--repo must look like ORG/NAME, got " + repo);
        }
        URI endpoint;
        try {
            endpoint = URI.create(env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT).strip());
        } catch (IllegalArgumentException e) {
            throw usage("HF_ENDPOINT is not a URL");
        }
        if (endpoint.getHost() == null || !List.of("http", "https").contains(String.valueOf(endpoint.getScheme()))) {
            throw usage("HF_ENDPOINT must be an http(s) URL");
        }
        ProxyRoutes proxies;
        TrustedCertificates trust;
        try {
            proxies = ProxyRoutes.fromEnvironment(env);
            String certFile = env.getOrDefault("SSL_CERT_FILE", "");
            trust = certFile.isBlank() ? TrustedCertificates.JDK_DEFAULTS
                    : TrustedCertificates.load(Path.of(certFile.strip()));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Duration backoff = duration(flags, "retry-backoff", "1s");
        var transfer = new TransferEngine.Settings(
                positive(flags, "concurrency", "8"),
                size(flags, "chunk-size", "32M"),
                duration(flags, "stall-timeout", "30s"),
                new RetryPolicy(positive(flags, "retries", "8"), backoff,
                        backoff.compareTo(Duration.ofSeconds(30)) > 0 ? backoff : Duration.ofSeconds(30)),
                3);
        if (transfer.chunkSize() < 1 << 20) {
            throw usage("--chunk-size must be at least 1M");
        }
        return new DownloadOptions(
                repo,
                flags.getOrDefault("revision", "main"),
                Path.of(required(flags, "target")).toAbsolutePath(),
                endpoint,
                HfToken.of(env.get("HF_TOKEN")),
                proxies,
                trust,
                transfer,
                duration(flags, "lease-duration", "30s"),
                duration(flags, "progress-interval", "1s"),
                env.getOrDefault("HOSTNAME", "downloader") + "/" + ProcessHandle.current().pid() + "/"
                        + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The command line as (flag, value) pairs, in order; {@code --name value} and {@code --name=value} alike. */
    private static List<Map.Entry<String, String>> pairs(List<String> args) {
        var pairs = new ArrayList<Map.Entry<String, String>>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw usage("unexpected argument " + arg);
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                if (i + 1 >= args.size()) {
                    throw usage("missing value for " + arg);
                }
                name = arg.substring(2);
                value = args.get(++i);
            }
            pairs.add(Map.entry(name, value));
        }
        return pairs;
    }

    private static void checkKnown(Map<String, String> flags) {
        for (String name : flags.keySet()) {
            if (!List.of("repo", "revision", "target", "concurrency", "chunk-size", "stall-timeout", "retries",
                    "retry-backoff", "lease-duration", "progress-interval", "termination-log").contains(name)) {
                throw usage("unknown option --" + name);
            }
        }
    }

    private static String required(Map<String, String> flags, String name) {
        String value = flags.get(name);
        if (value == null || value.isBlank()) {
            throw usage("--" + name + " is required");
        }
        return value;
    }

    private static int positive(Map<String, String> flags, String name, String fallback) {
        try {
            int value = Integer.parseInt(flags.getOrDefault(name, fallback));
            if (value < 1) {
                throw usage("--" + name + " must be at least 1");
            }
            return value;
        } catch (NumberFormatException e) {
            throw usage("--" + name + " must be a number");
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)([KMG]?)i?B?");

    static long size(Map<String, String> flags, String name, String fallback) {
        Matcher m = SIZE.matcher(flags.getOrDefault(name, fallback).toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw usage("--" + name + " must be a size like 16M");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    static Duration duration(Map<String, String> flags, String name, String fallback) {
        Matcher m = DURATION.matcher(flags.getOrDefault(name, fallback));
        if (!m.matches()) {
            throw usage("--" + name + " must be a duration like 500ms, 30s or 2m");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (d.isZero()) {
            throw usage("--" + name + " must be positive");
        }
        return d;
    }

    private static DownloadFailure usage(String message) {
        return new DownloadFailure(ExitCode.USAGE, message);
    }
}
