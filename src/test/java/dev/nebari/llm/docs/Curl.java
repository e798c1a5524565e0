package dev.nebari.llm.docs;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A documented {@code curl} command, parsed the way curl reads its arguments, so a test can send the same request
 * or compare it with what the product generates. Only the options the docs use are known; any other option fails
 * the parse, so a new one has to be taught here (and thereby checked) before the docs may use it.
 *
 * @param method  from {@code -X}, else POST when data is sent, else GET (curl's rule)
 * @param url     the one non-option argument, variables not yet expanded
 * @param headers from each {@code -H "Name: value"}, in order
 * @param data    the {@code -d} values joined with {@code &} (curl's rule), or null
 * @param flags   the options without a value ({@code -s}, {@code -S}, {@code -N}, ...), each as written
 */
public record Curl(String method, String url, Map<String, String> headers, @Nullable String data, Set<String> flags) {

    /** Options without a value that the docs may use: silent, show errors, no buffering (streaming), fail. */
    static final Set<String> KNOWN_FLAGS = Set.of("-s", "-S", "-sS", "-Ss", "-N", "--no-buffer", "-f", "--fail",
            "--silent", "--show-error", "-i", "-L");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    public Curl {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        flags = java.util.Collections.unmodifiableSet(new TreeSet<>(flags));
    }

    /** Parses the words of one command (its first word is {@code curl}). */
    public static Curl parse(List<String> words) {
        if (words.isEmpty() || !words.get(0).equals("curl")) {
            throw new IllegalArgumentException("not a curl command: " + words);
        }
        String method = null;
        String url = null;
        var headers = new LinkedHashMap<String, String>();
        var data = new ArrayList<String>();
        var flags = new TreeSet<String>();
        for (int i = 1; i < words.size(); i++) {
            var word = words.get(i);
            switch (word) {
                case "-X", "--request" -> method = value(words, ++i, word);
                case "-H", "--header" -> {
                    var header = value(words, ++i, word);
                    var colon = header.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("header without a name: " + header);
                    }
                    headers.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
                }
                case "-d", "--data", "--data-raw" -> data.add(value(words, ++i, word));
                default -> {
                    if (word.startsWith("-")) {
                        if (!KNOWN_FLAGS.contains(word)) {
                            throw new IllegalArgumentException("curl option " + word + " is not one the docs tests know; teach Curl it");
                        }
                        flags.add(word);
                    } else if (url == null) {
                        url = word;
                    } else {
                        throw new IllegalArgumentException("two URLs: " + url + " and " + word);
                    }
                }
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("curl without a URL: " + words);
        }
        var body = data.isEmpty() ? null : String.join("&", data);
        return new Curl(method != null ? method : body != null ? "POST" : "GET", url, headers, body, flags);
    }

    private static String value(List<String> words, int index, String option) {
        if (index >= words.size()) {
            throw new IllegalArgumentException(option + " without a value");
        }
        return words.get(index);
    }

    /** A header's value by case-insensitive name. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /**
     * The Content-Type curl sends: the one given with {@code -H}, else {@code application/x-www-form-urlencoded}
     * when there is data (curl's default for {@code -d}), else none.
     */
    public Optional<String> contentType() {
        var given = header("Content-Type");
        return given.isPresent() || data == null ? given : Optional.of("application/x-www-form-urlencoded");
    }

    /** The {@code -d} data as form fields (for a form post such as an OAuth token request). */
    public Map<String, String> formFields() {
        var fields = new LinkedHashMap<String, String>();
        if (data != null) {
            for (var pair : data.split("&")) {
                var parts = pair.split("=", 2);
                fields.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return fields;
    }

    /** The names of the shell variables that URL and headers use ({@code $NAME} or {@code ${NAME}}). */
    public Set<String> variables() {
        var names = new TreeSet<String>();
        var texts = new ArrayList<String>(headers.values());
        texts.add(url);
        for (var text : texts) {
            var matcher = VARIABLE.matcher(text);
            while (matcher.find()) {
                names.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            }
        }
        return names;
    }

    /** The same command with the variables of URL and headers replaced; an unknown variable fails. */
    public Curl expand(Map<String, String> variables) {
        var expanded = new LinkedHashMap<String, String>();
        headers.forEach((name, value) -> expanded.put(name, expand(value, variables)));
        return new Curl(method, expand(url, variables), expanded, data, flags);
    }

    private static String expand(String text, Map<String, String> variables) {
        var matcher = VARIABLE.matcher(text);
        var result = new StringBuilder();
        while (matcher.find()) {
            var name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            var value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException("$" + name + " is not set for: " + text);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    public URI uri() {
        return URI.create(url);
    }

    @Override
    public String toString() {
        return method + " " + url + (flags.isEmpty() ? "" : " " + String.join(" ", flags));
    }
}
