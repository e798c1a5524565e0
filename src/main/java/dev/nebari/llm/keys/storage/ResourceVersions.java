package dev.nebari.llm.keys.storage;

import org.jspecify.annotations.Nullable;

/**
 * Orders two versions of the same object. Kubernetes documents resourceVersion as opaque, but every API server
 * backed by etcd (all we support) uses the etcd revision, a decimal integer that grows with every write. The
 * cache uses it so that its own writes are not replaced by an older watch event arriving later; if a value ever
 * fails to parse, the newer arrival wins, which is merely less fresh for a moment, never wrong for long.
 */
final class ResourceVersions {

    private ResourceVersions() {
    }

    static boolean isNewer(@Nullable String candidate, @Nullable String current) {
        if (current == null) {
            return true;
        }
        if (candidate == null) {
            return false;
        }
        try {
            return Long.parseLong(candidate) > Long.parseLong(current);
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
