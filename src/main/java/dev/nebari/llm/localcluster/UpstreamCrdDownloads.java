package dev.nebari.llm.localcluster;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches upstream CRDs from their release URLs for an embedded control plane that has no directory of them, and
 * keeps every file it fetched in a cache directory: the URLs name release tags, so a cached file never goes stale,
 * and the next run works offline.
 */
public final class UpstreamCrdDownloads {

    /** The CRDs that could be read (from the cache or the network) and, for each URL that could not, why. */
    public record Result(List<CustomResourceDefinition> crds, List<String> failures) {
    }

    private final Path cacheDirectory;
    private final Duration timeout;
    private final HttpClient http;

    public UpstreamCrdDownloads(Path cacheDirectory, Duration timeout) {
        this.cacheDirectory = cacheDirectory;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** {@code ~/.cache/nebari-llm-serving/crds}, beside the Kubernetes binaries' cache. */
    public static Path defaultCacheDirectory() {
        return KubernetesBinaries.defaultCacheDirectory().getParent().getParent().resolve("crds");
    }

    /** Reads every URL at once (the files are independent and mostly small); never throws for one bad URL. */
    public Result fetch(List<URI> urls) {
        var crds = new ArrayList<CustomResourceDefinition>();
        var failures = new ArrayList<String>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var pending = urls.stream().map(url -> executor.submit(() -> load(url))).toList();
            for (int i = 0; i < urls.size(); i++) {
                try {
                    crds.add(pending.get(i).get());
                } catch (ExecutionException e) {
                    failures.add(urls.get(i) + ": " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    pending.forEach(f -> f.cancel(true));
                    failures.add(urls.get(i) + ": interrupted");
                }
            }
        }
        return new Result(List.copyOf(crds), List.copyOf(failures));
    }

    private CustomResourceDefinition load(URI url) throws IOException, InterruptedException {
        var cached = cacheDirectory.resolve(cacheName(url));
        if (!Files.isRegularFile(cached)) {
            var response = http.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            var crd = parse(new String(response.body(), StandardCharsets.UTF_8));
            // Only a file that parsed as a CRD is kept; written beside the target and renamed, so a crash mid-write
            // leaves no half file that later runs would trust.
            Files.createDirectories(cacheDirectory);
            var partial = Files.createTempFile(cacheDirectory, ".download-", ".yaml");
            try {
                Files.write(partial, response.body());
                Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return crd;
        }
        try (InputStream in = Files.newInputStream(cached)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static CustomResourceDefinition parse(String yaml) throws IOException {
        Object parsed;
        try {
            parsed = Serialization.unmarshal(yaml);
        } catch (RuntimeException e) {
            throw new IOException("not YAML: " + e.getMessage(), e);
        }
        if (!(parsed instanceof CustomResourceDefinition crd) || crd.getMetadata() == null
                || crd.getMetadata().getName() == null) {
            throw new IOException("not a CustomResourceDefinition");
        }
        return crd;
    }

    /** The file name plus a digest of the whole URL: two projects may ship files of the same name. */
    static String cacheName(URI url) {
        var path = url.getPath();
        var fileName = path.substring(path.lastIndexOf('/') + 1);
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8) + "-" + (fileName.isEmpty() ? "crd.yaml" : fileName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
