package dev.nebari.llm.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes a user's keys for models their groups no longer reach, whenever the user shows up with groups: at every
 * portal sign-in, and with every REST API call — there at most once per {@code interval} for the same groups, at once
 * when they changed. A user who left a group loses those keys the next time they use the pack in any way, not only
 * when they sign in to the portal again. (A user who never comes back is offboarded by an admin: docs/security.md.)
 * A failure is logged and never blocks the user; the next call tries again.
 */
public final class GroupsCheck {

    private static final Logger log = LoggerFactory.getLogger(GroupsCheck.class);
    /** Users remembered; beyond that the least recently seen are forgotten (and simply checked again). */
    static final int REMEMBERED = 10_000;

    private record Seen(Set<String> groups, Instant at) {
    }

    private final ApiKeys keys;
    private final ModelAccessLookup models;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Seen> seen = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > REMEMBERED;
        }
    };

    public GroupsCheck(ApiKeys keys, ModelAccessLookup models, Duration interval, Clock clock) {
        this.keys = keys;
        this.models = models;
        this.interval = interval;
        this.clock = clock;
    }

    /** A sign-in: always checked. */
    public List<ApiKey> onSignIn(KeyOwner owner, Set<String> groups) {
        return check(owner, groups, "sign-in");
    }

    /** An API call: checked when the groups differ from the last check or the last check is older than the interval. */
    public List<ApiKey> onRequest(KeyOwner owner, Set<String> groups) {
        var now = clock.instant();
        Seen last;
        synchronized (seen) {
            last = seen.get(owner.subject());
        }
        if (last != null && last.groups().equals(groups) && now.isBefore(last.at().plus(interval))) {
            return List.of();
        }
        return check(owner, groups, "an API call");
    }

    private List<ApiKey> check(KeyOwner owner, Set<String> groups, String occasion) {
        try {
            var revoked = keys.revokeOnGroupsChange(owner, groups, models);
            synchronized (seen) {
                seen.put(owner.subject(), new Seen(Set.copyOf(groups), clock.instant()));
            }
            if (!revoked.isEmpty()) {
                log.info("Revoked {} key(s) of {} at {}: the user's groups no longer grant their models",
                        revoked.size(), owner.username(), occasion);
            }
            return revoked;
        } catch (RuntimeException e) {
            log.warn("Could not check the keys of {} at {}: {}", owner.username(), occasion, e.getMessage());
            return List.of();
        }
    }
}
