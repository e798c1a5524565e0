package dev.nebari.llm.reconciliation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether an observed object already holds everything we would apply, so that steady state costs no
 * write. The desired object must be a subset of the observed one: fields the API server or other managers add
 * (defaults, status, an autoscaler's replicas, other tools' annotations) do not count as differences.
 *
 * <p>Quantities compare by value, because the API server stores them in canonical form ({@code 0.5} comes back
 * as {@code 500m}); empty desired collections match absent ones, because the API server drops some of them.
 */
final class DesiredStateComparison {

    private DesiredStateComparison() {
    }

    static boolean isSatisfiedBy(Object desired, Object observed) {
        return matches(desired, observed);
    }

    /** Whole objects, as their JSON trees; the status is the API server's, never desired. */
    static boolean isSatisfiedBy(KubernetesSerialization json, HasMetadata desired, HasMetadata observed) {
        return matches(withoutStatus(json, desired), withoutStatus(json, observed));
    }

    private static Map<String, Object> withoutStatus(KubernetesSerialization json, HasMetadata object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = new LinkedHashMap<>(json.convertValue(object, Map.class));
        map.remove("status");
        return map;
    }

    @SuppressWarnings("unchecked")
    private static boolean matches(Object desired, Object observed) {
        if (desired == null) {
            return true;
        }
        if (desired instanceof Map<?, ?> desiredMap) {
            if (observed == null) {
                return desiredMap.isEmpty();
            }
            if (!(observed instanceof Map<?, ?> observedMap)) {
                return false;
            }
            for (var entry : ((Map<String, Object>) desiredMap).entrySet()) {
                if (!matches(entry.getValue(), observedMap.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (desired instanceof List<?> desiredList) {
            if (observed == null) {
                return desiredList.isEmpty();
            }
            if (!(observed instanceof List<?> observedList) || observedList.size() != desiredList.size()) {
                return false;
            }
            for (int i = 0; i < desiredList.size(); i++) {
                if (!matches(desiredList.get(i), observedList.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (observed == null) {
            return false;
        }
        if (desired instanceof Number d && observed instanceof Number o) {
            return d.doubleValue() == o.doubleValue();
        }
        if (desired.equals(observed)) {
            return true;
        }
        return sameQuantity(desired.toString(), observed.toString());
    }

    private static boolean sameQuantity(String desired, String observed) {
        if (desired.isEmpty() || !Character.isDigit(desired.charAt(0)) && desired.charAt(0) != '.') {
            return false;
        }
        try {
            return Quantity.getAmountInBytes(new Quantity(desired))
                    .compareTo(Quantity.getAmountInBytes(new Quantity(observed))) == 0;
        } catch (RuntimeException notAQuantity) {
            return false;
        }
    }
}
