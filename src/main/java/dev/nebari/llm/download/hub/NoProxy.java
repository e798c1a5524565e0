package dev.nebari.llm.download.hub;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The hosts that bypass the proxy, read from {@code NO_PROXY} as curl reads it: a comma-separated list of
 * {@code *} (no proxy at all), host names that match themselves and their subdomains ({@code example.com},
 * {@code .example.com} and {@code *.example.com} are the same rule), IP addresses, CIDR ranges ({@code 10.0.0.0/8})
 * and any of them with {@code :port}. Names are compared as written, never resolved: a rule for an address does not
 * match a host name that resolves to it.
 */
public record NoProxy(List<Rule> rules) {

    public static final NoProxy NONE = new NoProxy(List.of());

    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

    public NoProxy {
        rules = List.copyOf(rules);
    }

    /** One entry of the list. */
    public sealed interface Rule {
        boolean matches(String host, Optional<InetAddress> address, int port);
    }

    /** {@code *}: every host. */
    record Everything() implements Rule {
        @Override
        public boolean matches(String host, Optional<InetAddress> address, int port) {
            return true;
        }
    }

    /** A host name and its subdomains. */
    record Domain(String name, int port) implements Rule {
        @Override
        public boolean matches(String host, Optional<InetAddress> address, int port) {
            return portMatches(this.port, port) && (host.equals(name) || host.endsWith("." + name));
        }
    }

    /** An IP address or a range of them. */
    record Network(InetAddress base, int prefixBits, int port) implements Rule {
        @Override
        public boolean matches(String host, Optional<InetAddress> address, int port) {
            return portMatches(this.port, port) && address.filter(this::contains).isPresent();
        }

        private boolean contains(InetAddress candidate) {
            byte[] a = base.getAddress();
            byte[] b = candidate.getAddress();
            if (a.length != b.length) {
                return false;
            }
            int bits = prefixBits;
            for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((a[i] & mask) != (b[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Parses a {@code NO_PROXY} value; blank entries are skipped. Throws {@link IllegalArgumentException} naming the
     * entry that is none of the forms above.
     */
    public static NoProxy parse(String value) {
        var rules = new ArrayList<Rule>();
        for (String raw : value.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (!entry.isEmpty()) {
                rules.add(rule(entry));
            }
        }
        return new NoProxy(rules);
    }

    /** Whether requests to {@code uri} go direct. */
    public boolean bypasses(URI uri) {
        if (rules.isEmpty() || uri.getHost() == null) {
            return false;
        }
        String host = unbracketed(uri.getHost().toLowerCase(Locale.ROOT));
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        Optional<InetAddress> address = literal(host);
        String name = host;
        return rules.stream().anyMatch(rule -> rule.matches(name, address, port));
    }

    private static Rule rule(String entry) {
        if (entry.equals("*")) {
            return new Everything();
        }
        int slash = entry.indexOf('/');
        if (slash >= 0) {
            Optional<InetAddress> base = literal(unbracketed(entry.substring(0, slash)));
            int bits = bits(entry.substring(slash + 1));
            if (base.isEmpty() || bits < 0 || bits > base.get().getAddress().length * 8) {
                throw invalid(entry);
            }
            return new Network(base.get(), bits, -1);
        }
        String host = entry;
        int port = -1;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw invalid(entry);
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                port = rest.startsWith(":") ? port(rest.substring(1), entry) : invalidPort(entry);
            }
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            host = entry.substring(0, entry.indexOf(':'));
            port = port(entry.substring(entry.indexOf(':') + 1), entry);
        }
        Optional<InetAddress> address = literal(host);
        if (address.isPresent()) {
            return new Network(address.get(), address.get().getAddress().length * 8, port);
        }
        String name = host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host;
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!HOST_NAME.matcher(name).matches()) {
            throw invalid(entry);
        }
        return new Domain(name, port);
    }

    private static boolean portMatches(int rulePort, int port) {
        return rulePort == -1 || rulePort == port;
    }

    /** The address a literal spells; empty for a host name (never looked up). */
    private static Optional<InetAddress> literal(String host) {
        boolean looksLiteral = host.indexOf(':') >= 0 || host.matches("[0-9.]+");
        if (!looksLiteral) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.ofLiteral(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int bits(String text) {
        return text.matches("[0-9]{1,3}") ? Integer.parseInt(text) : -1;
    }

    private static int port(String text, String entry) {
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) > 65535) {
            return invalidPort(entry);
        }
        return Integer.parseInt(text);
    }

    private static int invalidPort(String entry) {
        throw new IllegalArgumentException("NO_PROXY entry '" + entry + "' has an invalid port");
    }

    private static IllegalArgumentException invalid(String entry) {
        return new IllegalArgumentException("NO_PROXY entry '" + entry + "' is not a host name (example.com, "
                + ".example.com), an IP address, a CIDR range (10.0.0.0/8) or *");
    }
}
