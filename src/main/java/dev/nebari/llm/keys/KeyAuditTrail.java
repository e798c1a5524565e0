package dev.nebari.llm.keys;

import dev.nebari.llm.keys.events.RevocationReason;
import dev.nebari.llm.keys.storage.AuditLogStore;
import dev.nebari.llm.platform.ModelEventRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where key operations, and refused requests, are audited: one JSON line per operation on logger {@code audit}
 * (the complete trail, for the log pipeline), the same line in the shared audit store (the admin views' history,
 * the same on every replica and kept over restarts: {@link AuditLogStore}), and a Kubernetes Event on the model for
 * operations on keys ({@code kubectl describe llmmodel}), and counted ({@code nebari_keys_operations_total} by
 * {@code action}: issued, imported, renamed, revoked, expired, refused). Records name keys by client id, description
 * and hint (the key's last four characters, which its owner saw), never by value.
 */
public final class KeyAuditTrail {

    public static final String LOGGER = "audit";
    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final Logger log = LoggerFactory.getLogger(KeyAuditTrail.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** This replica's latest entries, shown until the store's informer has them (read your own writes). */
    private static final int OWN_RECENT = 200;

    private final AuditLogStore store;
    private final ModelEventRecorder events;
    private final MeterRegistry meters;
    private final ArrayDeque<AuditLogStore.Entry> ownRecent = new ArrayDeque<>(OWN_RECENT);

    KeyAuditTrail(AuditLogStore store, ModelEventRecorder events, MeterRegistry meters) {
        this.store = store;
        this.events = events;
        this.meters = meters;
    }

    void record(AuditRecord record) {
        var json = toJson(record);
        audit.info(json);
        Counter.builder("nebari.keys.operations").description("Audited API-key operations by action")
                .tag("action", record.action()).register(meters).increment();
        var entry = new AuditLogStore.Entry(store.newKey(record.at().toEpochMilli()), json);
        store.append(entry);
        synchronized (ownRecent) {
            if (ownRecent.size() == OWN_RECENT) {
                ownRecent.removeFirst();
            }
            ownRecent.addLast(entry);
        }
        if (!record.isRefusal()) {
            events.recordInBackground(record.model().namespace(), record.model().name(), record.eventReason(),
                    record.describe(), record.at());
        }
    }

    /** The most recent records of all replicas, newest first, at most {@code limit}. */
    public List<AuditRecord> recent(int limit) {
        return newestFirst(store.newest(limit)).limit(limit).toList();
    }

    /**
     * The most recent records of all replicas that the query matches, newest first, at most {@code limit}. Looks
     * through everything the store keeps (at most its {@code 10,000} newest), so an old match is found too.
     */
    public List<AuditRecord> recent(AuditQuery query, int limit) {
        return newestFirst(store.newest(Integer.MAX_VALUE)).filter(query.asPredicate()).limit(limit).toList();
    }

    private Stream<AuditRecord> newestFirst(List<AuditLogStore.Entry> stored) {
        var entries = new LinkedHashMap<String, AuditLogStore.Entry>();
        stored.forEach(entry -> entries.put(entry.key(), entry));
        synchronized (ownRecent) {
            ownRecent.forEach(entry -> entries.putIfAbsent(entry.key(), entry));
        }
        return entries.values().stream()
                .sorted(Comparator.comparing(AuditLogStore.Entry::key).reversed())
                .flatMap(entry -> fromJson(entry.json()).stream());
    }

    static String toJson(AuditRecord record) {
        var line = new LinkedHashMap<String, Object>();
        line.put("ts", record.at().toString());
        line.put("event", "api-key." + record.action());
        line.put("clientId", record.clientId());
        line.put("modelNamespace", record.model().namespace());
        line.put("model", record.model().name());
        line.put("owner", record.ownerSubject());
        line.put("ownerUsername", record.ownerUsername());
        line.put("actor", record.actorSubject());
        line.put("actorUsername", record.actorUsername());
        line.put("actorRole", record.actorRole().name().toLowerCase(Locale.ROOT));
        record.reason().ifPresent(reason -> line.put("reason", reason.label()));
        record.refusal().ifPresent(refusal -> line.put("refusal", refusal));
        record.key().ifPresent(key -> {
            line.put("description", key.description());
            line.put("hint", key.hint());
            line.put("created", key.created().toString());
            key.expires().ifPresent(expires -> line.put("expires", expires.toString()));
        });
        record.bulk().ifPresent(bulk -> {
            var scope = new LinkedHashMap<String, String>();
            bulk.user().ifPresent(user -> scope.put("user", user));
            bulk.model().ifPresent(model -> scope.put("model", model.toString()));
            line.put("bulk", scope);
        });
        return JSON.writeValueAsString(line);
    }

    /** The record of an audit line; empty (and a warning) for a line this version cannot read. */
    static Optional<AuditRecord> fromJson(String json) {
        try {
            JsonNode line = JSON.readTree(json);
            var event = line.get("event").asString();
            var reason = line.hasNonNull("reason")
                    ? Optional.of(RevocationReason.valueOf(line.get("reason").asString().toUpperCase(Locale.ROOT).replace('-', '_')))
                    : Optional.<RevocationReason>empty();
            var refusal = line.hasNonNull("refusal") ? Optional.of(line.get("refusal").asString()) : Optional.<String>empty();
            // lines written before the audit kept the key's name have none
            var key = line.hasNonNull("hint")
                    ? Optional.of(new KeyIdentity(line.path("description").asString(""), line.get("hint").asString(),
                            Instant.parse(line.get("created").asString()),
                            line.hasNonNull("expires") ? Optional.of(Instant.parse(line.get("expires").asString())) : Optional.empty()))
                    : Optional.<KeyIdentity>empty();
            var bulk = line.hasNonNull("bulk")
                    ? Optional.of(new BulkScope(Optional.ofNullable(line.get("bulk").path("user").asString(null)),
                            Optional.ofNullable(line.get("bulk").path("model").asString(null)).map(ModelRef::parse)))
                    : Optional.<BulkScope>empty();
            return Optional.of(new AuditRecord(Instant.parse(line.get("ts").asString()),
                    event.substring(event.indexOf('.') + 1), line.get("clientId").asString(),
                    new ModelRef(line.get("modelNamespace").asString(), line.get("model").asString()),
                    line.get("owner").asString(), line.get("ownerUsername").asString(), line.get("actor").asString(),
                    line.get("actorUsername").asString(),
                    Actor.Role.valueOf(line.get("actorRole").asString().toUpperCase(Locale.ROOT)), reason, refusal, key, bulk));
        } catch (RuntimeException e) {
            log.warn("an audit entry cannot be read and is not shown: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
