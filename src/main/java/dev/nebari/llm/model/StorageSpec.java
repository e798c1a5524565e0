package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import org.jspecify.annotations.Nullable;

/** The model volume. A PVC can grow (volume expansion) but never shrink, which CEL enforces on update. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageSpec(
        @Default("pvc") @JsonPropertyDescription("pvc (default) keeps weights across restarts; emptyDir re-downloads on every start.")
        StorageType type,
        @ValidationRule(value = "isQuantity(string(self))",
                message = "spec.model.storage.size must be a Kubernetes quantity such as 20Gi or 500Mi")
        @ValidationRule(value = "!isQuantity(string(self)) || !isQuantity(string(oldSelf)) || quantity(string(self)).compareTo(quantity(string(oldSelf))) >= 0",
                reason = "FieldValueForbidden",
                message = "spec.model.storage.size cannot shrink: a PVC can only grow; delete and re-create the model for a smaller volume")
        @JsonPropertyDescription("PVC request or emptyDir size limit; required for pvc storage.")
        @Nullable Quantity size,
        @Size(max = 253) @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription("Storage class of the PVC; overrides the pack default (defaults.storage.storageClassName).")
        @Nullable String storageClassName) {

    public static final StorageSpec DEFAULT = new StorageSpec(null, null, null);

    public StorageSpec {
        type = type != null ? type : StorageType.PVC;
    }
}
