package dev.nebari.llm.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A large language model that the pack downloads, serves with vLLM and exposes through the AI gateway. */
@Group(LLMModel.GROUP)
@Version(LLMModel.VERSION)
@Kind(LLMModel.KIND)
@Plural(LLMModel.PLURAL)
@Singular("llmmodel")
@ShortNames("llm")
@ValidationRule(value = "self.metadata.name.size() <= 59 && self.metadata.name.matches('" + Names.DNS_LABEL + "')",
        message = "metadata.name must be a DNS label of at most 59 characters: it also names the model's Services (<name>-epp)")
@AdditionalPrinterColumn(name = "Ready", type = Type.STRING, jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Phase", type = Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Model", type = Type.STRING, jsonPath = ".spec.model.name")
@AdditionalPrinterColumn(name = "Replicas", type = Type.STRING, jsonPath = ".status.replicas.summary")
@AdditionalPrinterColumn(name = "Download", type = Type.STRING, jsonPath = ".status.download.summary")
@AdditionalPrinterColumn(name = "Endpoint", type = Type.STRING, jsonPath = ".status.endpoints.external")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class LLMModel extends CustomResource<LLMModelSpec, LLMModelStatus> implements Namespaced {

    public static final String GROUP = "llm.nebari.dev";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "LLMModel";
    public static final String PLURAL = "llmmodels";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String CRD_NAME = PLURAL + "." + GROUP;

    @Override
    @Required
    public LLMModelSpec getSpec() {
        return super.getSpec();
    }

    @Override
    public void setSpec(LLMModelSpec spec) {
        super.setSpec(spec);
    }
}
