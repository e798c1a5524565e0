package dev.nebari.llm.platform;

/**
 * Published when this replica gains or loses leadership. Leadership switches work on and off (the reconciler,
 * the key expiry sweeper); it never stops the process.
 */
public record LeadershipChanged(boolean leader, String identity) {

    /** Runs {@code onLeading} when this replica became the leader, {@code onStandby} when it stopped being one. */
    public void apply(Runnable onLeading, Runnable onStandby) {
        (leader ? onLeading : onStandby).run();
    }
}
