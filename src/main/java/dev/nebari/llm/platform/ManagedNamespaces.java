package dev.nebari.llm.platform;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which namespaces the pack manages models in: those listed in {@code watchNamespaces}, or, when that list is empty,
 * those labelled {@code nebari.dev/managed=true}. The operator, the admission webhook and the local demo ask here.
 */
public final class ManagedNamespaces {

    /** The namespace label that opts a namespace in when {@code watchNamespaces} is empty. */
    public static final String LABEL = "nebari.dev/managed";
    public static final String LABEL_VALUE = "true";

    private ManagedNamespaces() {
    }

    /**
     * @param labels a namespace's labels, empty when it does not exist (or is not known yet); asked only when
     *               {@code watchNamespaces} is empty
     */
    public static boolean manages(PackSettings settings, String namespace,
            Function<String, Optional<Map<String, String>>> labels) {
        var watched = settings.watchNamespaces();
        if (!watched.isEmpty()) {
            return watched.contains(namespace);
        }
        return labels.apply(namespace).map(l -> LABEL_VALUE.equals(l.get(LABEL))).orElse(false);
    }
}
