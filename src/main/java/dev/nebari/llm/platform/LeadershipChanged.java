package dev.nebari.llm.platform;

/**
 * Published when this replica gains or loses leadership. Leadership switches work on and off (the reconciler,
 * the key expiry sweeper); it never stops the process.
 */
public record LeadershipChanged(boolean leader, String identity) {
}
