package dev.nebari.llm.download.fakehub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Hugging Face Hub on 127.0.0.1 that speaks what both our downloader and {@code huggingface_hub} call: the
 * revision API ({@code ?blobs=true}), the tree API, and {@code /resolve/} with the Hub's headers ({@code
 * X-Repo-Commit}, {@code ETag}, {@code X-Linked-Etag}, {@code X-Linked-Size}). LFS files redirect to a second
 * server on another port playing the CDN. Both honour {@code Range}. Faults are injected per file.
 */
public final class FakeHub implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final Map<String, FakeRepo> repos = new ConcurrentHashMap<>();
    private final Map<String, FakeFile> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> sha256s = new ConcurrentHashMap<>();
    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Armed> faults = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> servedPerFile = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();
    private volatile Duration latency = Duration.ZERO;
    private volatile LinkLimit link;
    private volatile Optional<String> requiredToken = Optional.empty();
    private final List<String> gatedRepos = new CopyOnWriteArrayList<>();

    private record Armed(Fault fault, AtomicInteger skip, AtomicInteger remaining) {
    }

    private final String scheme;

    private FakeHub(int hubPort, @Nullable SSLContext tls) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = server(new InetSocketAddress(loopback, hubPort), tls);
        cdn = server(new InetSocketAddress(loopback, 0), tls);
        scheme = tls == null ? "http" : "https";
        hub.createContext("/", exchange -> handle(exchange, RecordedRequest.HUB, this::onHub));
        cdn.createContext("/", exchange -> handle(exchange, RecordedRequest.CDN, this::onCdn));
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
    }

    public static FakeHub start(FakeRepo... repos) throws IOException {
        return start(0, repos);
    }

    public static FakeHub start(int port, FakeRepo... repos) throws IOException {
        return started(new FakeHub(port, null), repos);
    }

    /** Hub and CDN over HTTPS with the certificate of {@code tls} (valid for 127.0.0.1). */
    public static FakeHub startTls(SSLContext tls, FakeRepo... repos) throws IOException {
        return started(new FakeHub(0, tls), repos);
    }

    private static FakeHub started(FakeHub fake, FakeRepo... repos) {
        for (FakeRepo repo : repos) {
            fake.add(repo);
        }
        return fake;
    }

    private static HttpServer server(InetSocketAddress address, @Nullable SSLContext tls) throws IOException {
        if (tls == null) {
            return HttpServer.create(address, 64);
        }
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        return https;
    }

    public void add(FakeRepo repo) {
        repos.put(repo.id(), repo);
        for (FakeFile file : repo.files()) {
            if (file.lfs()) {
                String sha = sha256(file);
                blobs.put(sha, file);
            }
        }
    }

    public URI endpoint() {
        return URI.create(scheme + "://127.0.0.1:" + hub.getAddress().getPort());
    }

    public URI cdnEndpoint() {
        return URI.create(scheme + "://127.0.0.1:" + cdn.getAddress().getPort());
    }

    public FakeHub latency(Duration perRequest) {
        this.latency = perRequest;
        return this;
    }

    /** File bytes (from hub and CDN, all connections together) go out at most at this rate: a slow shared link. */
    public FakeHub linkLimit(long bytesPerSecond) {
        this.link = new LinkLimit(bytesPerSecond);
        return this;
    }

    /** Hub requests without {@code Authorization: Bearer token} get 401. */
    public FakeHub requireToken(String token) {
        this.requiredToken = Optional.of(token);
        return this;
    }

    /** The repository answers 403 GatedRepo to everyone, as for a user who has not accepted its terms. */
    public FakeHub gate(String repo) {
        gatedRepos.add(repo);
        return this;
    }

    public FakeHub inject(Fault fault) {
        return inject(fault, 1);
    }

    public FakeHub inject(Fault fault, int times) {
        return injectAfter(0, fault, times);
    }

    /** Lets {@code requests} matching requests pass, then shows the fault {@code times} times. */
    public FakeHub injectAfter(int requests, Fault fault, int times) {
        faults.add(new Armed(fault, new AtomicInteger(requests), new AtomicInteger(times)));
        return this;
    }

    public FakeHub clearFaults() {
        faults.clear();
        return this;
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public List<RecordedRequest> requests(String host) {
        return requests.stream().filter(r -> r.host().equals(host)).toList();
    }

    /** Body bytes of file content written to clients, over both servers. */
    public long bytesServed() {
        return served.get();
    }

    public long bytesServed(String path) {
        return servedPerFile.getOrDefault(path, new AtomicLong()).get();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private void handle(HttpExchange exchange, String host, Handler handler) {
        try (exchange) {
            Map<String, List<String>> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), e -> List.copyOf(e.getValue()),
                            (a, b) -> a));
            requests.add(new RecordedRequest(host, exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(), headers));
            if (!latency.isZero()) {
                Thread.sleep(latency);
            }
            handler.handle(exchange);
        } catch (IOException | InterruptedException e) {
            // The client went away (or a fault dropped the connection on purpose).
        }
    }

    private void onHub(HttpExchange exchange) throws IOException, InterruptedException {
        String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        if (requiredToken.isPresent() && !exchange.getRequestHeaders().getOrDefault("Authorization", List.of())
                .contains("Bearer " + requiredToken.get())) {
            error(exchange, 401, "", "Invalid credentials in Authorization header");
            return;
        }
        if (path.startsWith("/api/models/")) {
            Optional<Armed> fault = take(Fault.API, Fault.Status.class);
            if (fault.isPresent()) {
                Fault.Status status = (Fault.Status) fault.get().fault();
                error(exchange, status.status(), status.errorCode(), "injected");
                return;
            }
            api(exchange, path.substring("/api/models/".length()));
            return;
        }
        int resolve = path.indexOf("/resolve/");
        if (resolve > 0) {
            resolve(exchange, path.substring(1, resolve), path.substring(resolve + "/resolve/".length()));
            return;
        }
        error(exchange, 404, "", "no route");
    }

    private void api(HttpExchange exchange, String rest) throws IOException {
        Matcher m = Pattern.compile("(.+)/(revision|tree)/([^/]+)(/.*)?").matcher(rest);
        if (!m.matches()) {
            error(exchange, 404, "RepoNotFound", "no such repo");
            return;
        }
        Optional<FakeRepo> repo = repoFor(exchange, m.group(1), m.group(3));
        if (repo.isEmpty()) {
            return;
        }
        String body = m.group(2).equals("revision")
                ? JSON.writeValueAsString(revision(repo.get()))
                : JSON.writeValueAsString(tree(repo.get()));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private Optional<FakeRepo> repoFor(HttpExchange exchange, String id, String revision) throws IOException {
        FakeRepo repo = repos.get(id);
        if (repo == null) {
            error(exchange, 404, "RepoNotFound", "Repository Not Found");
            return Optional.empty();
        }
        if (gatedRepos.contains(id)) {
            error(exchange, 403, "GatedRepo", "Access to model " + id + " is restricted");
            return Optional.empty();
        }
        if (!repo.hasRevision(revision)) {
            error(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return Optional.empty();
        }
        return Optional.of(repo);
    }

    private ObjectNode revision(FakeRepo repo) {
        ObjectNode root = JSON.createObjectNode().put("id", repo.id()).put("modelId", repo.id())
                .put("sha", repo.commit()).put("private", false).put("gated", false).put("disabled", false);
        ArrayNode siblings = root.putArray("siblings");
        for (FakeFile file : repo.files()) {
            ObjectNode sibling = siblings.addObject().put("rfilename", file.path())
                    .put("size", file.content().size()).put("blobId", blobId(file));
            if (file.lfs()) {
                sibling.putObject("lfs").put("sha256", sha256(file)).put("size", file.content().size())
                        .put("pointerSize", 134);
            }
        }
        return root;
    }

    private ArrayNode tree(FakeRepo repo) {
        ArrayNode entries = JSON.createArrayNode();
        for (FakeFile file : repo.files()) {
            ObjectNode entry = entries.addObject().put("type", "file").put("oid", blobId(file))
                    .put("size", file.content().size()).put("path", file.path());
            if (file.lfs()) {
                entry.putObject("lfs").put("oid", sha256(file)).put("size", file.content().size())
                        .put("pointerSize", 134);
            }
        }
        return entries;
    }

    private void resolve(HttpExchange exchange, String repoId, String revisionAndPath)
            throws IOException, InterruptedException {
        int slash = revisionAndPath.indexOf('/');
        Optional<FakeRepo> repo = repoFor(exchange, repoId, slash < 0 ? revisionAndPath
                : revisionAndPath.substring(0, slash));
        if (repo.isEmpty()) {
            return;
        }
        Optional<FakeFile> file = repo.get().file(revisionAndPath.substring(slash + 1));
        if (file.isEmpty()) {
            error(exchange, 404, "EntryNotFound", "Entry not found");
            return;
        }
        // LFS content comes from the CDN, which applies status faults itself: the redirect never fails here.
        Optional<Armed> status = file.get().lfs() ? Optional.empty() : take(file.get().path(), Fault.Status.class);
        if (status.isPresent()) {
            Fault.Status s = (Fault.Status) status.get().fault();
            error(exchange, s.status(), s.errorCode(), "injected");
            return;
        }
        Headers headers = exchange.getResponseHeaders();
        headers.set("X-Repo-Commit", repo.get().commit());
        if (file.get().lfs()) {
            String sha = sha256(file.get());
            headers.set("ETag", "\"" + blobId(file.get()) + "\"");
            headers.set("X-Linked-Etag", "\"" + sha + "\"");
            headers.set("X-Linked-Size", Long.toString(file.get().content().size()));
            // A signed URL as a real CDN would get; the query must never leak into our messages.
            headers.set("Location", cdnEndpoint() + "/blobs/" + sha + "?X-Amz-Signature=s3cr3t&Expires=9999999999");
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        headers.set("ETag", "\"" + blobId(file.get()) + "\"");
        content(exchange, file.get());
    }

    private void onCdn(HttpExchange exchange) throws IOException, InterruptedException {
        String path = exchange.getRequestURI().getPath();
        FakeFile file = path.startsWith("/blobs/") ? blobs.get(path.substring("/blobs/".length())) : null;
        if (file == null) {
            error(exchange, 404, "", "NoSuchKey");
            return;
        }
        exchange.getResponseHeaders().set("ETag", "\"" + sha256(file) + "\"");
        content(exchange, file);
    }

    private void content(HttpExchange exchange, FakeFile file) throws IOException, InterruptedException {
        long size = file.content().size();
        long from = 0;
        long to = size;
        int status = 200;
        Headers headers = exchange.getResponseHeaders();
        headers.set("Accept-Ranges", "bytes");
        headers.set("Content-Type", "application/octet-stream");
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (m.matches() && Long.parseLong(m.group(1)) < size) {
                from = Long.parseLong(m.group(1));
                to = m.group(2).isEmpty() ? size : Math.min(size, Long.parseLong(m.group(2)) + 1);
                status = 206;
                headers.set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + size);
            } else {
                headers.set("Content-Range", "bytes */" + size);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
        }
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", Long.toString(to - from));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        Optional<Armed> failure = take(file.path(), Fault.Status.class);
        if (failure.isPresent()) {
            Fault.Status s = (Fault.Status) failure.get().fault();
            error(exchange, s.status(), s.errorCode(), "injected");
            return;
        }
        Optional<Armed> slow = take(file.path(), Fault.SlowFirstByte.class);
        if (slow.isPresent()) {
            Thread.sleep(((Fault.SlowFirstByte) slow.get().fault()).delay());
        }
        exchange.sendResponseHeaders(status, to - from == 0 ? -1 : to - from);
        OutputStream out = new Counting(exchange.getResponseBody(), file.path());
        if (take(file.path(), Fault.WrongBytes.class).isPresent()) {
            out = new Flipping(out);
        }
        Optional<Armed> disconnect = take(file.path(), Fault.Disconnect.class);
        Optional<Armed> stall = take(file.path(), Fault.Stall.class);
        if (disconnect.isPresent()) {
            long cut = Math.min(to, from + ((Fault.Disconnect) disconnect.get().fault()).afterBytes());
            file.content().writeTo(out, from, cut);
            out.flush();
            return; // closing with bytes missing makes the server drop the connection
        }
        if (stall.isPresent()) {
            Fault.Stall s = (Fault.Stall) stall.get().fault();
            long cut = Math.min(to, from + s.afterBytes());
            file.content().writeTo(out, from, cut);
            out.flush();
            Thread.sleep(s.silence());
            from = cut;
        }
        file.content().writeTo(out, from, to);
        out.flush();
    }

    private Optional<Armed> take(String target, Class<? extends Fault> kind) {
        for (Armed armed : faults) {
            if (armed.fault().target().equals(target) && kind.isInstance(armed.fault())
                    && armed.skip().getAndUpdate(n -> Math.max(0, n - 1)) == 0
                    && armed.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Optional.of(armed);
            }
        }
        return Optional.empty();
    }

    private static void error(HttpExchange exchange, int status, String errorCode, String message)
            throws IOException {
        if (!errorCode.isEmpty()) {
            exchange.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        exchange.getResponseHeaders().set("X-Error-Message", message);
        byte[] body = JSON.writeValueAsString(Map.of("error", message)).getBytes(StandardCharsets.UTF_8);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private String sha256(FakeFile file) {
        return sha256s.computeIfAbsent(file.path() + "@" + System.identityHashCode(file.content()),
                k -> file.content().sha256());
    }

    private final Map<ContentSource, String> blobIds = new ConcurrentHashMap<>();

    private String blobId(FakeFile file) {
        if (file.lfs()) {
            // LFS files are pointers in git; their blob id is not what the downloader checks, so any stable id works.
            return sha256(file).substring(0, 40);
        }
        return blobIds.computeIfAbsent(file.content(), ContentSource::gitBlobId);
    }

    private final class Counting extends FilterOutputStream {
        private final AtomicLong perFile;

        Counting(OutputStream out, String path) {
            super(out);
            this.perFile = servedPerFile.computeIfAbsent(path, p -> new AtomicLong());
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            var limit = link;
            if (limit != null) {
                limit.transfer(len);
            }
            out.write(b, off, len);
            perFile.addAndGet(len);
            served.addAndGet(len);
        }
    }

    private static final class Flipping extends FilterOutputStream {
        Flipping(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] flipped = new byte[len];
            for (int i = 0; i < len; i++) {
                flipped[i] = (byte) ~b[off + i];
            }
            out.write(flipped, 0, len);
        }
    }

}
