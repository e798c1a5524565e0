package dev.nebari.llm.keys;

import java.util.Optional;

/**
 * Which keys an admin's bulk revocation named: every key of a user, of a model, or of a user for a model. The audit
 * keeps it with each key revoked that way, so one key revoked alone and a key swept out with others read differently.
 *
 * @param user the user as the admin named them (subject or username)
 */
public record BulkScope(Optional<String> user, Optional<ModelRef> model) {

    /** E.g. "every key of user ada@example.com", "every key of model team-a/qwen3". */
    public String describe() {
        return "every key" + user.map(u -> " of user " + u).orElse("")
                + model.map(m -> (user.isPresent() ? " for" : " of") + " model " + m).orElse("");
    }
}
