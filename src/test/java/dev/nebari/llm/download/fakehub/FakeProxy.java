package dev.nebari.llm.download.fakehub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP proxy on 127.0.0.1 as corporate networks run them: it forwards http requests sent in absolute form and
 * tunnels https through {@code CONNECT}, and can require Basic credentials (407 otherwise). Each request it receives
 * is recorded, so a test can tell that traffic went through it.
 */
public final class FakeProxy implements AutoCloseable {

    /** A request line the proxy received, with its Proxy-Authorization header. */
    public record ProxiedRequest(String method, String target, Optional<String> proxyAuthorization) {
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<ProxiedRequest> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Optional<String> requiredAuthorization = Optional.empty();

    private FakeProxy() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        threads.submit(this::accept);
    }

    public static FakeProxy start() throws IOException {
        return new FakeProxy();
    }

    /** Requests without {@code Proxy-Authorization: Basic base64(user:password)} get 407. */
    public FakeProxy requireBasic(String user, String password) {
        requiredAuthorization = Optional.of("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** {@code http://127.0.0.1:<port>}, what HTTP_PROXY and HTTPS_PROXY are set to. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public String url(String user, String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + server.getLocalPort();
    }

    public List<ProxiedRequest> requests() {
        return List.copyOf(requests);
    }

    /** How many requests were answered with 407. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(FakeProxy::closeQuietly);
        threads.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String requestLine = readLine(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            Map<String, String> headers = readHeaders(in);
            String[] parts = requestLine.split(" ");
            String authorization = headers.get("proxy-authorization");
            requests.add(new ProxiedRequest(parts[0], parts[1], Optional.ofNullable(authorization)));
            if (requiredAuthorization.isPresent() && !requiredAuthorization.get().equals(authorization)) {
                refused.incrementAndGet();
                write(out, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            if (parts[0].equals("CONNECT")) {
                tunnel(parts[1], in, out);
            } else {
                forward(parts[0], URI.create(parts[1]), headers, out);
            }
        } catch (IOException e) {
            // a side went away
        } finally {
            open.remove(client);
        }
    }

    private void tunnel(String authority, InputStream in, OutputStream out) throws IOException {
        int colon = authority.lastIndexOf(':');
        try (Socket upstream = new Socket(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)))) {
            open.add(upstream);
            write(out, "HTTP/1.1 200 Connection Established\r\n\r\n");
            threads.submit(() -> {
                try {
                    upstream.getInputStream().transferTo(out);
                } catch (IOException e) {
                    // closed
                }
                closeQuietly(upstream);
                out.close(); // the server ended the connection: so does the proxy, towards the client
                return null;
            });
            in.transferTo(upstream.getOutputStream());
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    /** One request per connection: sent upstream with {@code Connection: close}, the answer relayed until it ends. */
    private void forward(String method, URI target, Map<String, String> headers, OutputStream out) throws IOException {
        try (Socket upstream = new Socket(target.getHost(), target.getPort() == -1 ? 80 : target.getPort())) {
            open.add(upstream);
            var request = new StringBuilder(method).append(' ').append(target.getRawPath())
                    .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(" HTTP/1.1\r\n");
            headers.forEach((name, value) -> {
                if (!name.startsWith("proxy-") && !name.equals("connection")) {
                    request.append(name).append(": ").append(value).append("\r\n");
                }
            });
            request.append("connection: close\r\n\r\n");
            write(upstream.getOutputStream(), request.toString());
            InputStream answer = new BufferedInputStream(upstream.getInputStream());
            var head = new StringBuilder(String.valueOf(readLine(answer))).append("\r\n");
            readHeaders(answer).forEach((name, value) -> {
                if (!name.equals("connection")) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            });
            head.append("connection: close\r\n\r\n");
            write(out, head.toString());
            answer.transferTo(out);
            out.flush();
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        return headers;
    }

    private static @Nullable String readLine(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                return line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
