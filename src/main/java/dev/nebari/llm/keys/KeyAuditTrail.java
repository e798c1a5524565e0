package dev.nebari.llm.keys;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where key operations are audited: one JSON line per operation on logger {@code audit} (for the log pipeline),
 * a Kubernetes Event on the model (for {@code kubectl describe llmmodel}), and a bounded in-memory list of recent
 * records for the admin API. Records never contain key values.
 */
public final class KeyAuditTrail {

    public static final String LOGGER = "audit";
    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int capacity;
    private final ArrayDeque<AuditRecord> recent;
    private final ModelEventRecorder events;

    KeyAuditTrail(int capacity, ModelEventRecorder events) {
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(capacity);
        this.events = events;
    }

    void record(AuditRecord record) {
        audit.info(toJson(record));
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(record);
        }
        events.record(record);
    }

    /** The most recent records, newest first, at most {@code limit}. */
    public List<AuditRecord> recent(int limit) {
        synchronized (recent) {
            var newestFirst = new ArrayList<AuditRecord>(Math.min(limit, recent.size()));
            var iterator = recent.descendingIterator();
            while (iterator.hasNext() && newestFirst.size() < limit) {
                newestFirst.add(iterator.next());
            }
            return newestFirst;
        }
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
        line.put("actorRole", record.actorRole().name().toLowerCase(java.util.Locale.ROOT));
        record.reason().ifPresent(reason -> line.put("reason", reason.label()));
        return JSON.writeValueAsString(line);
    }
}
