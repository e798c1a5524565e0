package dev.nebari.llm.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** An OIDC issuer on loopback that serves just its discovery document (issuer and jwks_uri). */
public final class FakeOidcIssuer implements AutoCloseable {

    private final HttpServer server;

    private FakeOidcIssuer(HttpServer server) {
        this.server = server;
    }

    public static FakeOidcIssuer start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var issuer = new FakeOidcIssuer(server);
            server.createContext("/realms/test/.well-known/openid-configuration", exchange -> {
                var body = """
                        {"issuer": "%s", "jwks_uri": "%s"}""".formatted(issuer.issuer(), issuer.jwksUri())
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    }

    /** Deliberately not Keycloak's usual path: the pack must take it from the discovery document. */
    public String jwksUri() {
        return issuer() + "/keys/published-here";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
