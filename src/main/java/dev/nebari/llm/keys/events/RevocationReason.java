package dev.nebari.llm.keys.events;

/** Why a key stopped working. */
public enum RevocationReason {
    /** Its owner revoked it. */
    USER,
    /** An admin revoked it (one key or in bulk). */
    ADMIN,
    /** Its lifetime ended. */
    EXPIRED,
    /** The model's access no longer admits the groups that granted the key. */
    ACCESS_CHANGED,
    /** The owner logged in without the groups that granted the key. */
    GROUPS_CHANGED;

    /** The form used in audit records and Kubernetes Events, e.g. {@code access-changed}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
