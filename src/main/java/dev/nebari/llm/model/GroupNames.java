package dev.nebari.llm.model;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one spelling of a group name that the pack compares. Keycloak puts full paths ({@code /llm-users},
 * {@code /org/team}) into the groups claim when "full group path" is on and plain names when it is off, and admins
 * write {@code access.groups} and {@code auth.adminGroups} either way; so every name is compared without its
 * leading slash: {@code /llm-users} and {@code llm-users} are the same group, {@code /org/team} is
 * {@code org/team}. A nested path is never cut down to its last segment, because {@code /org-a/team} and
 * {@code /org-b/team} are different groups. Comparison stays case-sensitive, as in the identity provider.
 */
public final class GroupNames {

    private GroupNames() {
    }

    /**
     * {@code " /org/team/ "} becomes {@code "org/team"}: slashes and blanks go from both ends (in any mix, so
     * {@code "/ /"} is empty, not a blank); a name made only of them becomes empty. Inside, nothing changes.
     */
    public static String normalise(String group) {
        var start = 0;
        var end = group.length();
        while (start < end && isEdge(group.charAt(start))) {
            start++;
        }
        while (end > start && isEdge(group.charAt(end - 1))) {
            end--;
        }
        return group.substring(start, end);
    }

    private static boolean isEdge(char c) {
        return c == '/' || Character.isWhitespace(c);
    }

    /** Normalised, sorted, without empty names. */
    public static Set<String> normaliseAll(Collection<String> groups) {
        var names = new TreeSet<String>();
        for (var group : groups) {
            var name = normalise(group);
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return java.util.Collections.unmodifiableSet(names);
    }
}
