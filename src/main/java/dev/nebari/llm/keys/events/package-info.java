/**
 * Events the keys module publishes as Spring application events. They name keys by client id and never carry a
 * key value. {@link dev.nebari.llm.keys.events.KeysChanged} is published from the key-Secret watch, so it fires in
 * every process (operator and portal) whichever replica made the change; {@code KeyIssued} and {@code KeyRevoked}
 * fire in the process that made the change.
 */
@org.springframework.modulith.NamedInterface("events")
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.keys.events;
