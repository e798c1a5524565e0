package dev.nebari.llm.model;

/** The model's phase, derived from its conditions; for humans and printer columns, never for decisions. */
public enum Phase {
    Pending, Downloading, Starting, Ready, Degraded, Error
}
