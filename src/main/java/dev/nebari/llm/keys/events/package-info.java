/**
 * What the keys module tells other modules. {@link dev.nebari.llm.keys.events.KeysChanged}, a Spring application
 * event, is published from the key-Secret watch, so it fires in every process (operator and portal) whichever
 * replica made the change; the reconciler updates the gateway policies on it. It names a model, never a key value.
 * {@link dev.nebari.llm.keys.events.RevocationReason} says why a key went (audit, Events).
 */
@org.springframework.modulith.NamedInterface("events")
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.keys.events;
