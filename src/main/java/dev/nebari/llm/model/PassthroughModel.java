package dev.nebari.llm.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An OpenAI-compatible provider outside the cluster (a hosted API, OpenRouter, another vLLM) exposed through the
 * pack's gateway with the same API keys, OIDC groups and limits as an {@link LLMModel}; nothing runs in the cluster
 * for it. Its credential stays in a Secret that only the gateway reads.
 */
@Group(LLMModel.GROUP)
@Version(LLMModel.VERSION)
@Kind(PassthroughModel.KIND)
@Plural(PassthroughModel.PLURAL)
@Singular("passthroughmodel")
@ShortNames("ptm")
@ValidationRule(value = "self.metadata.name.size() <= 59 && self.metadata.name.matches('" + Names.DNS_LABEL + "')",
        message = "metadata.name must be a DNS label of at most 59 characters: it also names the provider's gateway objects (<name>-provider)")
@AdditionalPrinterColumn(name = "Ready", type = Type.STRING, jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Phase", type = Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Provider", type = Type.STRING, jsonPath = ".spec.provider.hostname")
@AdditionalPrinterColumn(name = "Models", type = Type.STRING, jsonPath = ".status.models")
@AdditionalPrinterColumn(name = "Endpoint", type = Type.STRING, jsonPath = ".status.endpoints.external")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class PassthroughModel extends CustomResource<PassthroughModelSpec, PassthroughModelStatus> implements Namespaced {

    public static final String KIND = "PassthroughModel";
    public static final String PLURAL = "passthroughmodels";
    public static final String CRD_NAME = PLURAL + "." + LLMModel.GROUP;

    /** The Backend, BackendTLSPolicy, AIServiceBackend and BackendSecurityPolicy of the provider share this name. */
    public static String providerObjects(String name) {
        return name + "-provider";
    }

    @Override
    @Required
    public PassthroughModelSpec getSpec() {
        return super.getSpec();
    }

    @Override
    public void setSpec(PassthroughModelSpec spec) {
        super.setSpec(spec);
    }
}
