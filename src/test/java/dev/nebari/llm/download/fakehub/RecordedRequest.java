package dev.nebari.llm.download.fakehub;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request the fake Hub or its CDN received. Header names are lower case. */
public record RecordedRequest(String host, String method, String path, Map<String, List<String>> headers) {

    public static final String HUB = "hub";
    public static final String CDN = "cdn";

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)))
                .flatMap(values -> values.stream().findFirst());
    }
}
