package dev.nebari.llm.download.hub;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which requests go through which proxy, from the environment as curl and Python's requests read it:
 * {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY} for http URLs (no fallback from one to the other),
 * {@code NO_PROXY} for hosts that go direct; each also in lower case, which wins when both are set. The JDK's HTTP
 * client reads none of these variables, hence this class.
 */
public record ProxyRoutes(Optional<ProxyServer> http, Optional<ProxyServer> https, NoProxy noProxy) {

    public static final ProxyRoutes DIRECT = new ProxyRoutes(Optional.empty(), Optional.empty(), NoProxy.NONE);

    /** Throws {@link IllegalArgumentException} naming the variable that cannot be used, never a password. */
    public static ProxyRoutes fromEnvironment(Map<String, String> env) {
        return new ProxyRoutes(
                variable(env, "http_proxy").map(name -> ProxyServer.parse(name, env.get(name))),
                variable(env, "https_proxy").map(name -> ProxyServer.parse(name, env.get(name))),
                variable(env, "no_proxy").map(name -> NoProxy.parse(env.get(name))).orElse(NoProxy.NONE));
    }

    public boolean isDirect() {
        return http.isEmpty() && https.isEmpty();
    }

    /** The proxy that requests to {@code uri} go through; empty when they go direct. */
    public Optional<ProxyServer> serverFor(URI uri) {
        Optional<ProxyServer> server = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        return server.isEmpty() || noProxy.bypasses(uri) ? Optional.empty() : server;
    }

    /** The {@code Proxy-Authorization} header for requests to {@code uri}, when their proxy has credentials. */
    public Optional<String> proxyAuthorization(URI uri) {
        return serverFor(uri).flatMap(ProxyServer::credentials).map(ProxyCredentials::basicAuthorization);
    }

    ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(serverFor(uri).map(ProxyServer::proxy).orElse(Proxy.NO_PROXY));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                // One proxy per scheme, nothing to fall back to: the request's own failure is reported and retried.
            }
        };
    }

    /** The name of the set variable, lower case first; blank counts as unset ({@code HTTPS_PROXY=} in a pod spec). */
    private static Optional<String> variable(Map<String, String> env, String lowerCase) {
        for (String name : List.of(lowerCase, lowerCase.toUpperCase(java.util.Locale.ROOT))) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }
}
