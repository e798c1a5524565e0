package dev.nebari.llm.download.hub;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * An HTTP proxy from {@code HTTP_PROXY} or {@code HTTPS_PROXY}: plain HTTP to the proxy, which forwards http requests
 * and tunnels https ones ({@code CONNECT}). {@code toString()} shows the URL with the password redacted.
 */
public record ProxyServer(String host, int port, Optional<ProxyCredentials> credentials) {

    /**
     * Parses a proxy URL as curl and Python accept it: {@code http://[user:password@]host[:port][/]}, the scheme
     * optional, the port 80 when left out, user and password percent-encoded. Throws
     * {@link IllegalArgumentException} with a message that names {@code variable} and never the password.
     */
    public static ProxyServer parse(String variable, String value) {
        String raw = value.strip();
        URI uri;
        try {
            uri = new URI(raw.contains("://") ? raw : "http://" + raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(variable + " is not a URL; give it as http://HOST:PORT");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            throw new IllegalArgumentException(variable + " uses https://: TLS to the proxy itself is not supported;"
                    + " give the proxy as http://HOST:PORT (https requests still go through it encrypted, tunnelled"
                    + " with CONNECT)");
        }
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException(variable + " uses " + scheme + "://: only HTTP proxies are supported;"
                    + " give it as http://HOST:PORT");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException(variable + " must be http://HOST:PORT (no path or query), got "
                    + redacted(uri));
        }
        Optional<ProxyCredentials> credentials = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = decode(variable, colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : decode(variable, userInfo.substring(colon + 1));
            credentials = Optional.of(new ProxyCredentials(user, password));
        }
        return new ProxyServer(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort(), credentials);
    }

    /** Resolved when a connection is made, so a proxy whose address changes keeps working. */
    Proxy proxy() {
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public String toString() {
        return "http://" + credentials.map(c -> c.user() + ":***@").orElse("") + host + ":" + port;
    }

    private static String redacted(URI uri) {
        return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : "***@") + uri.getHost()
                + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + "/...";
    }

    private static String decode(String variable, String part) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // URLDecoder's message quotes the text, which may be the password.
            throw new IllegalArgumentException(variable + ": the user or password is not percent-encoded correctly");
        }
    }
}
