package dev.nebari.llm.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The names and labels of everything the operator creates for one LLMModel. Renderers, the reconciler, the
 * finalizer and the admin API all ask this class, so a name is decided in exactly one place.
 *
 * <p>Every object carries {@link #labels(Component)}. Pods are told apart by {@link #COMPONENT}: the model-server
 * pods and the endpoint-picker pods share the model label, so a selector that left out the component would match
 * both (the predecessor's InferencePool did, and its requests went to the picker and got 503s).
 *
 * @param model     the LLMModel's {@code metadata.name}
 * @param namespace the LLMModel's namespace
 */
public record ModelObjects(String model, String namespace) {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MODEL = LLMModel.GROUP + "/model";
    /** Set on objects outside the model's namespace, where the model label alone is ambiguous. */
    public static final String MODEL_NAMESPACE = LLMModel.GROUP + "/model-namespace";
    public static final String PACK = "nebari-llm-serving";

    /** Pod-template annotation whose change makes the pods re-fetch the weights (see the serving module). */
    public static final String MODEL_IDENTITY_ANNOTATION = LLMModel.GROUP + "/model-identity";

    /**
     * Longest model name whose derived names stay valid: {@code <m>-epp} is a Service (a DNS label, at most 63
     * characters) and {@code <m>} is a label value (at most 63).
     */
    public static final int MAX_MODEL_NAME_LENGTH = 63 - "-epp".length();

    /** Longest subdomain label (RFC 1123). */
    public static final int MAX_SUBDOMAIN_LENGTH = 63;

    /** What part of a model an object belongs to; the value of {@link #COMPONENT}. */
    public enum Component {
        /** vLLM pods and what serves them (workload, Service, NetworkPolicy, PodMonitor). */
        MODEL_SERVER("model-server"),
        /** The endpoint picker (llm-d inference scheduler) and its InferencePool. */
        ENDPOINT_PICKER("endpoint-picker"),
        /** Routes and their security and traffic policies. */
        GATEWAY("gateway");

        private final String label;

        Component(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public ModelObjects {
        if (model.isEmpty() || model.length() > MAX_MODEL_NAME_LENGTH || !model.matches(Names.DNS_LABEL)) {
            throw new IllegalArgumentException("LLMModel name '" + model + "' must be a DNS label of at most "
                    + MAX_MODEL_NAME_LENGTH + " characters, because it names a Service and a label value");
        }
    }

    public static ModelObjects of(LLMModel model) {
        return new ModelObjects(model.getMetadata().getName(), model.getMetadata().getNamespace());
    }

    // Objects in the model's namespace.

    /** Deployment, Service, ServiceAccount, NetworkPolicy and PodMonitor of the vLLM pods, and the InferencePool. */
    public String workload() {
        return model;
    }

    public String modelStorage() {
        return model + "-model-storage";
    }

    public String inferencePool() {
        return model;
    }

    /** The ConfigMap with the pack's trusted CA bundle, mounted into the model pods (defaults.trustedCA.bundle). */
    public String trustedCa() {
        return model + "-trusted-ca";
    }

    /** Deployment, Service, ServiceAccount, Role and RoleBinding of the endpoint picker. */
    public String endpointPicker() {
        return model + "-epp";
    }

    public String endpointPickerConfig() {
        return model + "-epp-config";
    }

    /** The external AIGatewayRoute, the HTTPRoute the AI Gateway generates from it, and its SecurityPolicy. */
    public String externalRoute() {
        return model + "-external";
    }

    /** The internal AIGatewayRoute, its generated HTTPRoute, and its SecurityPolicy. */
    public String internalRoute() {
        return model + "-internal";
    }

    /** The AIServiceBackend and Backend of the model's Service, which weighted rules list (with spec.traffic). */
    public String weightedBackend() {
        return model + "-weighted";
    }

    public String rateLimitPolicy() {
        return model;
    }

    // Objects elsewhere.

    /**
     * The ReferenceGrant in the keys namespace. One per model (not per namespace) so deleting a model removes
     * exactly its own grant; the dot cannot occur in either part, so names of different models never collide.
     */
    public String keysReferenceGrant() {
        return namespace + "." + model;
    }

    // Labels.

    /** All labels of an object of the given component, in a fixed order. */
    public Map<String, String> labels(Component component) {
        var labels = new LinkedHashMap<String, String>();
        labels.put(MANAGED_BY, PACK);
        labels.put(PART_OF, PACK);
        labels.put(MODEL, model);
        labels.put(COMPONENT, component.label());
        return java.util.Collections.unmodifiableMap(labels);
    }

    /** Labels of an object outside the model's namespace: also names the namespace, for the finalizer. */
    public Map<String, String> labelsElsewhere(Component component) {
        var labels = new LinkedHashMap<>(labels(component));
        labels.put(MODEL_NAMESPACE, namespace);
        return java.util.Collections.unmodifiableMap(labels);
    }

    /** Selects exactly the pods of one component of this model (never both components). */
    public Map<String, String> selector(Component component) {
        var selector = new LinkedHashMap<String, String>();
        selector.put(MODEL, model);
        selector.put(COMPONENT, component.label());
        return java.util.Collections.unmodifiableMap(selector);
    }

    /** The model-server pods: what the Service, the InferencePool, the NetworkPolicy and the PodMonitor select. */
    public Map<String, String> modelServerPods() {
        return selector(Component.MODEL_SERVER);
    }

    public Map<String, String> endpointPickerPods() {
        return selector(Component.ENDPOINT_PICKER);
    }

    // Hosts.

    /** The host label in subdomain routing mode: the one the spec sets, or a slug of the model id. */
    public static String subdomain(LLMModelSpec spec) {
        var explicit = spec.endpoints().external().subdomain();
        return explicit != null ? explicit : slug(spec.model().name());
    }

    /**
     * A DNS label made from a model id: lowercase, every run of other characters becomes one '-', trimmed to 63
     * characters without a leading or trailing '-'. {@code Qwen/Qwen3.5-35B-A3B} becomes {@code qwen-qwen3-5-35b-a3b}.
     */
    public static String slug(String modelId) {
        var slug = modelId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+", "");
        if (slug.length() > MAX_SUBDOMAIN_LENGTH) {
            slug = slug.substring(0, MAX_SUBDOMAIN_LENGTH);
        }
        slug = slug.replaceAll("-+$", "");
        return slug.isEmpty() ? "model" : slug;
    }
}
