package dev.nebari.llm.download.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY as curl and Python's requests read them. */
class ProxyRoutesTest {

    static final URI HUB = URI.create("https://huggingface.co/api/models/acme/llm/revision/main");
    static final URI MIRROR = URI.create("http://hf-mirror.mirrors.svc:8080/api/models/acme/llm/revision/main");

    static ProxyRoutes routes(Map<String, String> env) {
        return ProxyRoutes.fromEnvironment(env);
    }

    @Test
    void sendsHttpsThroughHttpsProxyAndHttpThroughHttpProxyWithoutFallingBack() {
        var both = routes(Map.of("HTTPS_PROXY", "http://secure-proxy:3128", "HTTP_PROXY", "http://plain-proxy:8080"));
        assertThat(both.serverFor(HUB)).hasValueSatisfying(p -> assertThat(p.host()).isEqualTo("secure-proxy"));
        assertThat(both.serverFor(MIRROR)).hasValueSatisfying(p -> assertThat(p.host()).isEqualTo("plain-proxy"));

        var httpOnly = routes(Map.of("HTTP_PROXY", "http://plain-proxy:8080"));
        assertThat(httpOnly.serverFor(HUB)).as("https URLs use HTTPS_PROXY only").isEmpty();
    }

    @Test
    void theSelectorGivesTheJdkClientTheProxyOrNoProxy() {
        var selector = routes(Map.of("HTTPS_PROXY", "http://proxy:3128", "NO_PROXY", ".svc")).selector();
        assertThat(selector.select(HUB)).singleElement().satisfies(proxy -> {
            assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP);
            assertThat(((InetSocketAddress) proxy.address()).getHostString()).isEqualTo("proxy");
            assertThat(((InetSocketAddress) proxy.address()).getPort()).isEqualTo(3128);
        });
        assertThat(selector.select(URI.create("https://hf-mirror.mirrors.svc/api"))).containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void lowerCaseWinsOverUpperCaseAndBlankMeansUnset() {
        var env = Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY", "http://upper:2", "http_proxy", " ",
                "HTTP_PROXY", "http://upper-plain:3");
        assertThat(routes(env).https()).hasValueSatisfying(p -> assertThat(p.host()).isEqualTo("lower"));
        assertThat(routes(env).http()).hasValueSatisfying(p -> assertThat(p.host()).isEqualTo("upper-plain"));
        assertThat(routes(Map.of("HTTPS_PROXY", "")).isDirect()).isTrue();
    }

    @Test
    void noProxyHostsGoDirect() {
        var routes = routes(Map.of("HTTP_PROXY", "http://proxy:3128", "no_proxy", "mirrors.svc,10.0.0.0/8"));
        assertThat(routes.serverFor(MIRROR)).isEmpty();
        assertThat(routes.serverFor(URI.create("http://10.4.0.7:8080/"))).isEmpty();
        assertThat(routes.serverFor(URI.create("http://example.com/"))).isPresent();
    }

    @Test
    void takesAProxyWithoutSchemeOrPortAsHttpOnPort80() {
        var proxy = ProxyServer.parse("HTTPS_PROXY", "proxy.corp.example.com");
        assertThat(proxy.host()).isEqualTo("proxy.corp.example.com");
        assertThat(proxy.port()).isEqualTo(80);
        assertThat(ProxyServer.parse("HTTPS_PROXY", "http://proxy:3128/").port()).isEqualTo(3128);
    }

    @Test
    void sendsTheUrlsCredentialsAsBasicProxyAuthorizationAndRedactsThePassword() {
        var routes = routes(Map.of("HTTPS_PROXY", "http://svc-llm:p%40ss%3Aw0rd@proxy:3128"));
        String expected = "Basic " + Base64.getEncoder().encodeToString("svc-llm:p@ss:w0rd".getBytes(StandardCharsets.UTF_8));

        assertThat(routes.proxyAuthorization(HUB)).contains(expected);
        assertThat(routes.proxyAuthorization(MIRROR)).as("no proxy for http URLs, so no header").isEmpty();
        assertThat(routes.toString()).contains("svc-llm").doesNotContain("p@ss").doesNotContain("p%40ss");
        assertThat(routes.https().orElseThrow().toString()).isEqualTo("http://svc-llm:***@proxy:3128");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HTTPS_PROXY | https://user:s3cret@proxy:3128 | TLS to the proxy itself is not supported",
            "HTTPS_PROXY | socks5://user:s3cret@proxy:1080 | only HTTP proxies are supported",
            "HTTP_PROXY  | http://user:s3cret@proxy:3128/path | must be http://HOST:PORT",
            "HTTP_PROXY  | http://user:s3cret@proxy:3128/?q=1 | must be http://HOST:PORT",
            "HTTP_PROXY  | http://user:s3cret@proxy:3128#x y | is not a URL",
            "HTTPS_PROXY | http://user:s3cret%zz@proxy:3128 | is not a URL"})
    void refusesAProxyItCannotUseNamingTheVariableButNotThePassword(String variable, String value, String message) {
        assertThatThrownBy(() -> routes(Map.of(variable, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(variable)
                .hasMessageContaining(message)
                .message().doesNotContain("s3cret");
    }

    @Test
    void refusesABadNoProxyEntry() {
        assertThatThrownBy(() -> routes(Map.of("NO_PROXY", "mirror:http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NO_PROXY entry 'mirror:http'");
    }
}
