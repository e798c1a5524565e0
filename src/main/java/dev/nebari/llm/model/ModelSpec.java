package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The model's identity (its public id and where the weights come from). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.source != 'oci' || has(self.image)", fieldPath = ".image", reason = "FieldValueRequired",
        message = "spec.model.image is required when spec.model.source is oci: set the OCI image that holds the weights under /models")
@ValidationRule(value = "self.source == 'oci' || !has(self.image)", fieldPath = ".image",
        message = "spec.model.image is only used with spec.model.source: oci; remove it or set source: oci")
@ValidationRule(value = "self.source == 'oci' || (has(self.storage) && (self.storage.type == 'emptyDir' || has(self.storage.size)))",
        fieldPath = ".storage", reason = "FieldValueRequired",
        message = "spec.model.storage.size is required for pvc storage (the default): set it to the volume size, e.g. 20Gi, or use storage.type: emptyDir")
@ValidationRule(value = "self.source != 'oci' || !has(self.hubEndpoint)", fieldPath = ".hubEndpoint",
        message = "spec.model.hubEndpoint is only used with spec.model.source: huggingface; remove it")
@ValidationRule(value = "!has(self.aliases) || !(self.name in self.aliases)", fieldPath = ".aliases",
        message = "spec.model.aliases must not repeat spec.model.name: the model id is always served; list only the extra ids")
public record ModelSpec(
        @Required @Size(min = 1, max = 200)
        @Pattern(Names.MODEL_ID)
        @JsonPropertyDescription("Hugging Face repository id (e.g. Qwen/Qwen3-0.6B); also the model id clients send in \"model\".")
        String name,
        @Default("huggingface") @JsonPropertyDescription("Where the weights come from: huggingface (default) or oci.")
        ModelSource source,
        @Size(max = 255) @JsonPropertyDescription("Hugging Face branch, tag or commit to pin; changing it re-downloads.")
        @Nullable String revision,
        @Size(max = 253) @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription("Secret in the model's namespace with key HF_TOKEN, for gated models.")
        @Nullable String authSecretName,
        @Size(max = 512) @JsonPropertyDescription("OCI image with the weights under /models; required when source is oci.")
        @Nullable String image,
        @JsonPropertyDescription("The volume that holds the weights.") @Nullable StorageSpec storage,
        @Default("true") @JsonPropertyDescription("Download the weights in an init container before vLLM starts.")
        Boolean preload,
        @Size(max = 2048) @Pattern(Names.HUB_ENDPOINT)
        @JsonPropertyDescription("Hugging Face Hub endpoint (HF_ENDPOINT) to download from, e.g. a mirror "
                + "https://hf-mirror.example.com; default: the pack's defaults.hub.endpoint, else https://huggingface.co. "
                + "The token of authSecretName is sent to it.")
        @Nullable String hubEndpoint,
        @Size(max = 8)
        @ValidationRule(value = "self.all(a, a.matches('" + Names.MODEL_ID + "'))",
                message = "spec.model.aliases: each alias must look like a model id (letters, digits, '.', '_' and '-', "
                        + "at most one '/', 200 characters at most), e.g. chat-default")
        @JsonPropertyDescription("Extra model ids routed to this model (e.g. chat-default), unique in the cluster like "
                + "model ids; vLLM answers to each of them.")
        List<@Size(min = 1, max = 200) String> aliases) {

    public ModelSpec {
        source = source != null ? source : ModelSource.HUGGINGFACE;
        preload = preload != null ? preload : Boolean.TRUE;
        // De-duplicated in the author's order: the first alias stays first in vLLM's list and in status.
        aliases = aliases != null ? List.copyOf(new LinkedHashSet<>(aliases)) : List.of();
    }

    /** As before aliases existed (keeps the many callers that build a spec by hand short). */
    public ModelSpec(String name, @Nullable ModelSource source, @Nullable String revision, @Nullable String authSecretName,
            @Nullable String image, @Nullable StorageSpec storage, @Nullable Boolean preload, @Nullable String hubEndpoint) {
        this(name, source, revision, authSecretName, image, storage, preload, hubEndpoint, null);
    }

    /** Every id callers may send for this model: its name first, then its aliases. */
    public List<String> ids() {
        var ids = new LinkedHashSet<String>();
        ids.add(name);
        ids.addAll(aliases); // the CRD refuses an alias equal to the name; a spec built in code is not checked by it
        return List.copyOf(ids);
    }

    /** The storage section, with its defaults when the manifest leaves it out. */
    public StorageSpec effectiveStorage() {
        return storage != null ? storage : StorageSpec.DEFAULT;
    }
}
