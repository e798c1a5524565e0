package dev.nebari.llm.keys;

import dev.nebari.llm.model.GroupNames;
import dev.nebari.llm.model.AccessSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The access rule (docs/api-keys.md): a user may hold a key for a model that is public or lists one of the user's
 * groups. The user's groups arrive normalised by the identity layer; the model's {@code access.groups} may be
 * written as {@code /path} or plain names, so they are normalised the same way before the comparison.
 */
public final class ModelAccess {

    /** Why a user may use a model: the model is public and/or these of the user's groups are listed. */
    record Grant(boolean viaPublic, List<String> groups) {
    }

    private ModelAccess() {
    }

    /** Whether a user with these (normalised) groups may use a model with this access. */
    public static boolean permits(Set<String> userGroups, AccessSpec access) {
        return grant(userGroups, access).isPresent();
    }

    static Optional<Grant> grant(Set<String> userGroups, AccessSpec access) {
        var listed = GroupNames.normaliseAll(access.groups()).stream().filter(userGroups::contains).toList();
        if (!Boolean.TRUE.equals(access.isPublic()) && listed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Grant(Boolean.TRUE.equals(access.isPublic()), listed));
    }

    /** Whether the groups recorded at mint time still admit the key under {@code access}. */
    static boolean stillGranted(KeyMetadata metadata, AccessSpec access) {
        return Boolean.TRUE.equals(access.isPublic())
                || metadata.grantingGroups().stream().anyMatch(GroupNames.normaliseAll(access.groups())::contains);
    }
}
