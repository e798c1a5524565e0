package dev.nebari.llm.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An OIDC issuer on loopback: its discovery document (issuer, endpoints and jwks_uri; only the JWKS is served), a JWKS with one RSA key generated at
 * start, and tokens signed with that key. Two instances have different keys and issuers, so a token of one is a
 * token "from another issuer" for the other.
 */
public final class FakeOidcIssuer implements AutoCloseable {

    private final HttpServer server;
    private final RSAKey key;
    private final AtomicInteger jwksRequests = new AtomicInteger();

    private FakeOidcIssuer(HttpServer server, RSAKey key) {
        this.server = server;
        this.key = key;
    }

    public static FakeOidcIssuer start() {
        try {
            var key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var issuer = new FakeOidcIssuer(server, key);
            var discovery = """
                    {"issuer": "%1$s", "jwks_uri": "%2$s", "id_token_signing_alg_values_supported": ["RS256"],
                     "authorization_endpoint": "%1$s/protocol/openid-connect/auth",
                     "token_endpoint": "%1$s/protocol/openid-connect/token",
                     "userinfo_endpoint": "%1$s/protocol/openid-connect/userinfo",
                     "end_session_endpoint": "%1$s/protocol/openid-connect/logout",
                     "response_types_supported": ["code"], "subject_types_supported": ["public"],
                     "code_challenge_methods_supported": ["S256"]}"""
                    .formatted(issuer.issuer(), issuer.jwksUri());
            // The same document under another path: an issuer URL that reaches the provider but is not its name.
            for (var realm : List.of("test", "alias")) {
                server.createContext("/realms/" + realm + "/.well-known/openid-configuration",
                        exchange -> json(exchange, discovery));
            }
            server.createContext("/realms/test/keys/published-here",
                    exchange -> {
                        issuer.jwksRequests.incrementAndGet();
                        json(exchange, new JWKSet(key.toPublicJWK()).toString());
                    });
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpExchange exchange, String json) throws IOException {
        var body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** How often the JWKS was fetched so far. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    }

    /** A URL whose discovery document answers, but names {@link #issuer()} as the issuer. */
    public String aliasIssuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/alias";
    }

    /** Deliberately not Keycloak's usual path: the pack must take it from the discovery document. */
    public String jwksUri() {
        return issuer() + "/keys/published-here";
    }

    /**
     * Claims of a valid access token for {@code subject}: this issuer, for the portal's client in tests, issued now,
     * expiring in five minutes.
     */
    public JWTClaimsSet.Builder claims(String subject) {
        var now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject(subject)
                // issued to the portal's client, as a Keycloak access token obtained through it says
                .claim("azp", TestApplication.PORTAL_CLIENT_ID)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    /** A signed token for {@code subject}, after {@code adjust} has changed its claims. */
    public String token(String subject, UnaryOperator<JWTClaimsSet.Builder> adjust) {
        return sign(adjust.apply(claims(subject)).build());
    }

    public String sign(JWTClaimsSet claims) {
        try {
            var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
