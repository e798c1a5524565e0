package dev.nebari.llm.identity;

import dev.nebari.llm.model.GroupNames;
import dev.nebari.llm.platform.PackSettings;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the claims of a verified token into a {@link Caller}: groups from {@code auth.oidc.groupsClaim}, admin when
 * one of them is in {@code auth.adminGroups} (both normalised by {@link GroupNames}).
 */
public final class CallerResolver {

    private final String groupsClaim;
    private final Set<String> adminGroups;

    public CallerResolver(PackSettings.Auth auth) {
        this.groupsClaim = auth.oidc().groupsClaim();
        this.adminGroups = GroupNames.normaliseAll(auth.adminGroups());
    }

    /** The caller named by verified claims; the signature, issuer, expiry and audience were checked before. */
    public Caller resolve(Map<String, Object> claims) {
        var subject = text(claims.get("sub"));
        if (subject.isBlank()) {
            throw new IllegalArgumentException("the token has no subject (sub)");
        }
        var username = firstNonBlank(text(claims.get("preferred_username")), text(claims.get("email")), subject);
        var groups = GroupNames.normaliseAll(groupList(claims.get(groupsClaim)));
        var admin = groups.stream().anyMatch(adminGroups::contains);
        return new Caller(subject, username, groups, admin);
    }

    /** Providers send a JSON array; some send a single string when there is one group. */
    private static Collection<String> groupList(Object claim) {
        return switch (claim) {
            case Collection<?> values -> values.stream().filter(String.class::isInstance).map(String.class::cast).toList();
            case String value -> List.of(value);
            case null, default -> List.of();
        };
    }

    private static String text(Object value) {
        return value instanceof String s ? s.strip() : "";
    }

    private static String firstNonBlank(String... values) {
        for (var value : values) {
            if (!value.isBlank()) {
                return value;
            }
        }
        return "";
    }
}
