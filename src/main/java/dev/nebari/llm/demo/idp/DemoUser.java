package dev.nebari.llm.demo.idp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user of the demo identity provider. The password is a published demo password, not a secret: it is printed at
 * start-up and shown on the provider's sign-in page.
 *
 * @param username what the user types to sign in, also the token's {@code sub}, {@code preferred_username} and
 *                 {@code email}
 * @param groups   the token's {@code groups} claim
 */
public record DemoUser(String username, String password, String name, List<String> groups) {

    public DemoUser {
        groups = List.copyOf(groups);
    }

    /** The users every demo has: a member of llm-users, an admin, and someone in no group at all. */
    public static final List<DemoUser> ALL = List.of(
            new DemoUser("alice@example.com", "alice-demo", "Alice", List.of("llm-users")),
            new DemoUser("admin@example.com", "admin-demo", "Ada Admin", List.of("admin", "llm-users")),
            new DemoUser("bob@example.com", "bob-demo", "Bob", List.of()));

    /** The claims the provider puts into ID tokens, access tokens and the user-info response. */
    Map<String, Object> claims() {
        var claims = new LinkedHashMap<String, Object>();
        claims.put("sub", username);
        claims.put("preferred_username", username);
        claims.put("email", username);
        claims.put("email_verified", true);
        claims.put("name", name);
        claims.put("groups", groups);
        return claims;
    }

    @Override
    public String toString() {
        return "DemoUser[" + username + ", groups=" + groups + "]";
    }
}
