package dev.nebari.llm.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which audit records to show; empty fields match everything. The admin page and the admin API filter alike.
 *
 * @param user any part of the owner's or the actor's username or subject, in any case
 * @param from the first day (UTC) to include
 * @param to   the last day (UTC) to include
 */
public record AuditQuery(Optional<String> user, Optional<ModelRef> model, Optional<Action> action,
        Optional<LocalDate> from, Optional<LocalDate> to) {

    /** What happened, as an admin asks for it: the record's action, with revocations of one key and in bulk apart. */
    public enum Action {
        ISSUED("issued"), IMPORTED("imported"), RENAMED("renamed"), REVOKED("revoked"),
        REVOKED_ONE("revoked-one"), REVOKED_IN_BULK("revoked-in-bulk"), EXPIRED("expired"), REFUSED("refused");

        private final String value;

        Action(String value) {
            this.value = value;
        }

        /** The form in URLs and query parameters, e.g. {@code revoked-in-bulk}. */
        public String value() {
            return value;
        }

        /** @throws KeyException.InvalidRequest for anything but one of the values, which the message lists */
        public static Action parse(String value) {
            return Arrays.stream(values()).filter(a -> a.value.equals(value.strip().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new KeyException.InvalidRequest("The action must be one of "
                            + Arrays.stream(values()).map(Action::value).collect(Collectors.joining(", ")) + "."));
        }

        boolean matches(AuditRecord record) {
            return switch (this) {
                case REVOKED_ONE -> record.action().equals(AuditRecord.REVOKED) && record.bulk().isEmpty();
                case REVOKED_IN_BULK -> record.action().equals(AuditRecord.REVOKED) && record.bulk().isPresent();
                default -> record.action().equals(value);
            };
        }
    }

    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A blank name leaves the query unchanged. */
    public AuditQuery withUser(String partOfName) {
        var name = partOfName.strip();
        return name.isEmpty() ? this : new AuditQuery(Optional.of(name), model, action, from, to);
    }

    public AuditQuery withModel(ModelRef model) {
        return new AuditQuery(user, Optional.of(model), action, from, to);
    }

    public AuditQuery withAction(Action action) {
        return new AuditQuery(user, model, Optional.of(action), from, to);
    }

    public AuditQuery between(Optional<LocalDate> from, Optional<LocalDate> to) {
        return new AuditQuery(user, model, action, from, to);
    }

    Predicate<AuditRecord> asPredicate() {
        var users = user.map(UserName::matching);
        var after = from.map(day -> day.atStartOfDay().toInstant(ZoneOffset.UTC));
        var before = to.map(day -> day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        return record -> users.map(matches -> matches.test(record.ownerSubject()) || matches.test(record.ownerUsername())
                        || matches.test(record.actorSubject()) || matches.test(record.actorUsername())).orElse(true)
                && model.map(m -> m.equals(record.model())).orElse(true)
                && action.map(a -> a.matches(record)).orElse(true)
                && after.map(t -> !record.at().isBefore(t)).orElse(true)
                && before.map((Instant t) -> record.at().isBefore(t)).orElse(true);
    }
}
