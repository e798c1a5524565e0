package dev.nebari.llm.download.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** NO_PROXY as curl reads it: which request URLs go direct. */
class NoProxyTest {

    static boolean bypasses(String noProxy, String url) {
        return NoProxy.parse(noProxy).bypasses(URI.create(url));
    }

    @ParameterizedTest(name = "NO_PROXY={0} sends {1} direct: {2}")
    @CsvSource(delimiter = '|', value = {
            "example.com           | https://example.com/api          | true",
            "example.com           | https://hub.example.com/api      | true",
            "example.com           | https://badexample.com/api       | false",
            ".example.com          | https://example.com/api          | true",
            ".example.com          | https://a.b.example.com/api      | true",
            "*.example.com         | https://hub.example.com/api      | true",
            "EXAMPLE.com           | https://Hub.Example.COM./api     | true",
            "example.com           | https://example.org/api          | false"})
    void matchesAHostNameAndItsSubdomainsOnly(String noProxy, String url, boolean direct) {
        assertThat(bypasses(noProxy, url)).isEqualTo(direct);
    }

    @Test
    void anAsteriskSendsEverythingDirect() {
        assertThat(bypasses("*", "https://huggingface.co/api")).isTrue();
        assertThat(bypasses("*", "http://10.0.0.1:8080/")).isTrue();
    }

    @ParameterizedTest(name = "NO_PROXY={0} sends {1} direct: {2}")
    @CsvSource(delimiter = '|', value = {
            "10.1.2.3              | http://10.1.2.3:8080/            | true",
            "10.1.2.3              | http://10.1.2.4:8080/            | false",
            "10.0.0.0/8            | http://10.200.0.1/               | true",
            "10.0.0.0/8            | http://11.0.0.1/                 | false",
            "192.168.4.0/22        | http://192.168.7.255/            | true",
            "192.168.4.0/22        | http://192.168.8.0/              | false",
            "::1                   | http://[::1]:8080/               | true",
            "[fd00::]/8            | https://[fd12:3456::1]/          | true",
            "fd00::/8              | https://[fe80::1]/               | false",
            "0.0.0.0/0             | http://10.0.0.1/                 | true"})
    void matchesAddressesAndRanges(String noProxy, String url, boolean direct) {
        assertThat(bypasses(noProxy, url)).isEqualTo(direct);
    }

    @Test
    void neverResolvesNames() {
        assertThat(bypasses("127.0.0.1", "http://localhost:8080/")).isFalse();
        assertThat(bypasses("localhost", "http://127.0.0.1:8080/")).isFalse();
    }

    @Test
    void anEntryWithAPortMatchesOnlyThatPortCountingTheSchemesDefault() {
        assertThat(bypasses("mirror.internal:8443", "https://mirror.internal:8443/api")).isTrue();
        assertThat(bypasses("mirror.internal:8443", "https://mirror.internal/api")).isFalse();
        assertThat(bypasses("mirror.internal:443", "https://mirror.internal/api")).isTrue();
        assertThat(bypasses("10.0.0.5:80", "http://10.0.0.5/")).isTrue();
        assertThat(bypasses("[::1]:8080", "http://[::1]:8080/")).isTrue();
        assertThat(bypasses("[::1]:8080", "http://[::1]:9090/")).isFalse();
    }

    @Test
    void readsACommaListWithSpacesAndEmptyEntries() {
        var noProxy = " .svc , ,cluster.local,10.0.0.0/8,";
        assertThat(bypasses(noProxy, "http://hf-mirror.mirrors.svc:8080/")).isTrue();
        assertThat(bypasses(noProxy, "http://hf-mirror.mirrors.svc.cluster.local/")).isTrue();
        assertThat(bypasses(noProxy, "https://huggingface.co/")).isFalse();
        assertThat(NoProxy.parse(" , ").rules()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"exa mple.com", "10.0.0.0/33", "mirror:99999", "host:port", "bad/8", "[::1", "a..b"})
    void refusesAnEntryItCannotReadNamingIt(String entry) {
        assertThatThrownBy(() -> NoProxy.parse("example.com," + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NO_PROXY entry '" + entry + "'");
    }
}
