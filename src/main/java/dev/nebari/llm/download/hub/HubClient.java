package dev.nebari.llm.download.hub;

import dev.nebari.llm.download.json.Json;
import dev.nebari.llm.download.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Talks to a Hugging Face Hub endpoint: the revision listing, and file requests that follow redirects themselves so
 * the token is only ever sent to the endpoint's own origin (the Hub redirects LFS files to a CDN that must not see
 * it).
 */
public final class HubClient implements AutoCloseable {

    private static final int MAX_REDIRECTS = 5;
    private static final String USER_AGENT = "nebari-llm-downloader/1";

    private final URI endpoint;
    private final Optional<HfToken> token;
    private final Duration responseTimeout;
    private final ProxyRoutes proxies;
    private final HttpClient http;

    public HubClient(URI endpoint, Optional<HfToken> token, Duration responseTimeout, ProxyRoutes proxies,
            TrustedCertificates trust) {
        this.endpoint = withoutTrailingSlash(endpoint);
        this.token = token;
        this.responseTimeout = responseTimeout;
        this.proxies = proxies;
        // HTTP/1.1 on purpose: parallel range requests should use parallel TCP connections; one HTTP/2 connection
        // would put every chunk behind a single congestion and flow-control window.
        var builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(responseTimeout)
                .sslContext(trust.sslContext());
        if (!proxies.isDirect()) {
            builder.proxy(proxies.selector());
        }
        this.http = builder.build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Stops the client's threads. Its selector thread waits in a native call, and the JVM's exit waits about 300 ms
     * for threads in native calls to settle; stopped first, it costs nothing.
     */
    @Override
    public void close() {
        http.shutdownNow();
    }

    /** Lists the files of {@code revision}, with sizes and LFS digests, pinned to the commit it resolves to. */
    public RepoListing listing(String repo, String revision) throws IOException, InterruptedException {
        URI uri = URI.create(endpoint + "/api/models/" + repo + "/revision/" + encodeSegment(revision) + "?blobs=true");
        HttpResponse<String> response = await(send("GET", uri, null, info -> isSuccess(info.statusCode())
                ? BodySubscribers.ofString(StandardCharsets.UTF_8)
                : BodySubscribers.replacing(""), 0));
        failUnlessSuccess(response, "the listing of " + repo + " at revision " + revision);
        return parseListing(repo, revision, response.body());
    }

    static RepoListing parseListing(String repo, String revision, String body) throws IOException {
        JsonObject root;
        try {
            root = Json.parseObject(body);
        } catch (IOException e) {
            throw new IOException("the Hub's listing of " + repo + " is not valid JSON", e);
        }
        String commit = root.string("sha").orElse("");
        if (commit.isEmpty()) {
            throw new IOException("the Hub's listing of " + repo + " has no commit sha");
        }
        List<RepoFile> files = new ArrayList<>();
        for (JsonObject sibling : root.objects("siblings")) {
            JsonObject lfs = sibling.object("lfs");
            String path = sibling.string("rfilename").orElse("");
            long size = lfs.integer("size").orElse(sibling.integer("size").orElse(-1));
            if (size < 0) {
                throw new IOException("the Hub's listing has no size for " + path
                        + "; is this endpoint a Hugging Face Hub?");
            }
            try {
                files.add(new RepoFile(path, size, text(lfs, "sha256"), text(sibling, "blobId")));
            } catch (IllegalArgumentException unsafe) {
                throw new RefusedListingException("the Hub's listing of " + repo + " is refused: " + unsafe.getMessage(),
                        unsafe);
            }
        }
        return new RepoListing(repo, revision, commit, files);
    }

    /** The download URL of a file, pinned to a commit so that all chunks read the same content. */
    public URI resolveUrl(String repo, String commit, String path) {
        String encodedPath = Arrays.stream(path.split("/")).map(HubClient::encodeSegment)
                .collect(Collectors.joining("/"));
        return URI.create(endpoint + "/" + repo + "/resolve/" + commit + "/" + encodedPath);
    }

    /**
     * Follows the redirects of a file URL and returns where the content really is, so that the many range requests
     * of a large file skip the redirect round trip. The request timeout only covers the wait for headers of each hop,
     * hence the overall bound.
     */
    public URI locate(URI fileUrl) throws IOException, InterruptedException {
        HttpResponse<Void> response = await(send("HEAD", fileUrl, null, info -> BodySubscribers.<Void>replacing(null), 0)
                .orTimeout(responseTimeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS));
        failUnlessSuccess(response, describe(fileUrl));
        return response.uri();
    }

    /**
     * Requests bytes {@code [from, toInclusive]} of a file. The handler only sees the final (non-redirect) response.
     * The returned future completes when the handler's body completes.
     */
    public <T> CompletableFuture<HttpResponse<T>> fetchRange(URI fileUrl, long from, long toInclusive,
            BodyHandler<T> handler) {
        return send("GET", fileUrl, "bytes=" + from + "-" + toInclusive, handler, 0);
    }

    /** Turns an unsuccessful final response into a {@link HubStatusException}. */
    public void failUnlessSuccess(HttpResponse<?> response, String what) throws HubStatusException {
        if (!isSuccess(response.statusCode())) {
            throw new HubStatusException(response.statusCode(),
                    response.headers().firstValue("X-Error-Code").orElse(""),
                    sameOrigin(response.uri(), endpoint), what);
        }
    }

    /** A description of a file URL for messages: the path only, because CDN query strings carry signatures. */
    public static String describe(URI uri) {
        return uri.getHost() + uri.getRawPath();
    }

    private <T> CompletableFuture<HttpResponse<T>> send(String method, URI uri, @org.jspecify.annotations.Nullable String range,
            BodyHandler<T> handler, int redirects) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(responseTimeout)
                .header("User-Agent", USER_AGENT)
                // Hub metadata (X-Linked-Size, Content-Length) must describe the stored bytes, not a compressed form.
                .header("Accept-Encoding", "identity");
        if (range != null) {
            request.header("Range", range);
        }
        if (sameOrigin(uri, endpoint)) {
            token.ifPresent(t -> request.header("Authorization", t.authorizationHeader()));
        }
        // Sent up front rather than through an Authenticator: with one, the JDK turns every 401 without a Basic
        // challenge (the Hub's answer for a missing token) into an IOException. The JDK sends Proxy-* headers only to
        // a proxy (on CONNECT, or with a forwarded request), never to the origin.
        proxies.proxyAuthorization(uri).ifPresent(value -> request.header("Proxy-Authorization", value));
        BodyHandler<T> skipRedirectBodies = info -> isRedirect(info.statusCode()) && location(info.headers()).isPresent()
                ? BodySubscribers.replacing(null)
                : handler.apply(info);
        return http.sendAsync(request.build(), skipRedirectBodies).thenCompose(response -> {
            Optional<String> location = location(response.headers());
            if (!isRedirect(response.statusCode()) || location.isEmpty()) {
                return CompletableFuture.completedFuture(response);
            }
            if (redirects >= MAX_REDIRECTS) {
                return CompletableFuture.failedFuture(new IOException("too many redirects for " + describe(uri)));
            }
            return send(method, uri.resolve(location.get()), range, handler, redirects + 1);
        });
    }

    private static <T> T await(CompletableFuture<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** The I/O failure inside an async completion, so callers can classify it. */
    public static IOException unwrap(@org.jspecify.annotations.Nullable Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
    }

    /**
     * Same scheme, host and port. Comparing origins rather than host names keeps the token away from another
     * service on the same host as well.
     */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static Optional<String> location(HttpHeaders headers) {
        return headers.firstValue("Location");
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    private static Optional<String> text(JsonObject object, String name) {
        return object.string(name).filter(s -> !s.isEmpty());
    }

    private static String encodeSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
