package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.TrafficShare;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A model as the "my models" page shows it: status, where to call it and the exact model id, with snippets that
 * carry the real values (only the key is left to the user, as an environment variable).
 *
 * @param ref         {@code namespace/name}, the value the create-key form sends
 * @param phase       the operator's phase, or "Pending" before it reported one
 * @param statusText  the Ready condition's message, when the model is not ready
 * @param externalUrl the external endpoint (API keys), null when disabled or not known yet
 * @param internalUrl the internal endpoint (OIDC tokens), null when disabled or not known yet
 * @param takesKeys   the model has an external endpoint, so an API key is of use (even before it is ready)
 * @param aliases     other ids the model answers to (spec.model.aliases)
 * @param trafficText the model's share of its id's requests, when revisions share the id (spec.traffic)
 * @param adapters    the model ids of its LoRA adapters: values for "model" at the same endpoints, with the same keys
 * @param provider    for an external provider (PassthroughModel), the host requests are forwarded to (never its
 *                    credential); null for a model served in the cluster
 * @param alsoServes  an external provider's other model ids, and "any other model id" for a catch-all
 */
record ModelCard(String ref, String namespace, String name, String phase, boolean ready, @Nullable String statusText,
        String modelId, @Nullable String externalUrl, @Nullable String internalUrl, boolean takesKeys,
        @Nullable String replicasText, @Nullable String replicasWarning, List<String> aliases, @Nullable String trafficText,
        List<String> adapters, @Nullable String provider, List<String> alsoServes) {

    ModelCard {
        aliases = List.copyOf(aliases);
        adapters = List.copyOf(adapters);
        alsoServes = List.copyOf(alsoServes);
    }

    static ModelCard of(LLMModel model) {
        return of(model, Optional.empty());
    }

    static ModelCard of(LLMModel model, Optional<TrafficShare> share) {
        var status = model.getStatus();
        var endpoints = status == null ? null : status.endpoints();
        var phase = status == null || status.phase() == null ? "Pending" : status.phase().name();
        var ready = "Ready".equals(phase);
        var readyCondition = status == null ? null
                : status.conditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        // The gateway routes on spec.model.name exactly; the status repeats it once the operator has reported.
        var modelId = endpoints != null && notBlank(endpoints.model()) ? endpoints.model() : model.getSpec().model().name();
        return new ModelCard(model.getMetadata().getNamespace() + "/" + model.getMetadata().getName(),
                model.getMetadata().getNamespace(), model.getMetadata().getName(), phase, ready,
                ready ? null : message(readyCondition), modelId,
                endpoints != null && notBlank(endpoints.external()) ? endpoints.external() : null,
                endpoints != null && notBlank(endpoints.internal()) ? endpoints.internal() : null,
                Boolean.TRUE.equals(model.getSpec().endpoints().external().enabled()),
                replicas(model), status == null || status.replicas() == null ? null : sentence(status.replicas().warning()),
                model.getSpec().model().aliases(), share.map(ModelCard::traffic).orElse(null),
                model.getSpec().adapterIds(), null, List.of());
    }

    /** An external provider: marked as such, with the host it forwards to; its credential is nowhere in the card. */
    static ModelCard of(PassthroughModel provider) {
        var status = provider.getStatus();
        var endpoints = status == null ? null : status.endpoints();
        var phase = status == null || status.phase() == null ? "Pending" : status.phase().name();
        var ready = "Ready".equals(phase);
        var readyCondition = status == null ? null
                : status.conditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        var ids = provider.getSpec().models().ids();
        var also = new java.util.ArrayList<>(ids.isEmpty() ? List.<String>of() : ids.subList(1, ids.size()));
        if (provider.getSpec().models().catchAll()) {
            also.add("any other model id that no other model here serves");
        }
        return new ModelCard(provider.getMetadata().getNamespace() + "/" + provider.getMetadata().getName(),
                provider.getMetadata().getNamespace(), provider.getMetadata().getName(), phase, ready,
                ready ? null : message(readyCondition), ids.isEmpty() ? "<any model id>" : ids.getFirst(),
                endpoints != null && notBlank(endpoints.external()) ? endpoints.external() : null,
                endpoints != null && notBlank(endpoints.internal()) ? endpoints.internal() : null,
                Boolean.TRUE.equals(provider.getSpec().endpoints().external().enabled()),
                null, null, List.of(), null, List.of(), provider.getSpec().provider().hostname(), also);
    }

    /** "80 % (weight 80 of 100), shared with qwen3-green": what a caller of the id gets from this revision. */
    static String traffic(TrafficShare share) {
        var text = share.percent() + " % (weight " + share.weight() + " of " + share.totalWeight() + ")";
        return share.otherRevisions().isEmpty() ? text + ", no other revision yet"
                : text + ", shared with " + String.join(", ", share.otherRevisions());
    }

    /** A shell command that calls the external endpoint with a key from {@code $LLM_API_KEY}. */
    public String curlSnippet() {
        return curlSnippet(modelId);
    }

    /** The same call for {@code modelId}: the model's or one of its adapters'. */
    public String curlSnippet(String modelId) {
        return "export LLM_API_KEY=\"sk-...\"   # the key you created\n"
                + "curl -sS " + externalUrl + "/chat/completions \\\n"
                + "  -H \"Authorization: Bearer ${LLM_API_KEY}\" \\\n"
                + "  -H \"Content-Type: application/json\" \\\n"
                + "  -d '{\"model\": \"" + jsonString(modelId) + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello\"}]}'";
    }

    /** The same call with the OpenAI Python client. */
    public String pythonSnippet() {
        return pythonSnippet(modelId);
    }

    public String pythonSnippet(String modelId) {
        return "import os\n"
                + "from openai import OpenAI\n\n"
                + "client = OpenAI(base_url=\"" + externalUrl + "\", api_key=os.environ[\"LLM_API_KEY\"])\n"
                + "reply = client.chat.completions.create(\n"
                + "    model=\"" + jsonString(modelId) + "\",\n"
                + "    messages=[{\"role\": \"user\", \"content\": \"Say hello\"}],\n"
                + ")\n"
                + "print(reply.choices[0].message.content)";
    }

    /**
     * The operator's condition message as a sentence for people (Kubernetes messages start in lower case and have no
     * full stop, as kubectl shows them; the portal's messages are sentences).
     */
    private static @Nullable String message(@Nullable Condition condition) {
        return condition == null ? null : sentence(condition.getMessage());
    }

    private static @Nullable String sentence(@Nullable String message) {
        if (!notBlank(message)) {
            return null;
        }
        var text = message.strip();
        var sentence = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return sentence.endsWith(".") ? sentence : sentence + ".";
    }

    /** "2 of 3 ready", and with an autoscaler "; scales between 1 and 4 on vllm:num_requests_waiting". */
    private static @Nullable String replicas(LLMModel model) {
        var status = model.getStatus();
        var autoscaling = model.getSpec().serving().autoscaling();
        var counts = status == null || status.replicas() == null ? null
                : status.replicas().ready() + " of " + status.replicas().desired() + " ready";
        var scaling = autoscaling == null ? null : "scales between " + autoscaling.minReplicas() + " and "
                + autoscaling.maxReplicas() + " on " + autoscaling.metric();
        if (counts == null) {
            return scaling == null ? null : Character.toUpperCase(scaling.charAt(0)) + scaling.substring(1);
        }
        return scaling == null ? counts : counts + "; " + scaling;
    }

    private static boolean notBlank(@Nullable String value) {
        return value != null && !value.isBlank();
    }

    /** Model ids are repository ids (letters, digits, "-", "_", ".", "/"); escape the two characters JSON cares about. */
    private static String jsonString(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
