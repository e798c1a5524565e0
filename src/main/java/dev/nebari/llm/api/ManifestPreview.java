package dev.nebari.llm.api;

import dev.nebari.llm.identity.OidcDiscovery;
import dev.nebari.llm.reconciliation.AccessInputsSource;
import dev.nebari.llm.identity.OidcIssuer;
import dev.nebari.llm.keys.KeyCredentials;
import dev.nebari.llm.manifests.DesiredState;
import dev.nebari.llm.manifests.ModelManifests;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the operator would render for a model now, for admins debugging a model: the reconciler's
 * {@link DesiredState} with the same inputs (the key Secrets and client ids, the issuer's discovered JWKS URI),
 * except that the issuer is the portal's and is looked up if need be; the objects are serialised
 * with fabric8's serialisation, the one the operator applies them with, so quantities and int-or-strings read as
 * they will on the API server.
 */
class ManifestPreview {

    private final DesiredState desired;
    private final KubernetesSerialization serialization;

    ManifestPreview(PackSettings settings, @Nullable KeyCredentials keys, OidcDiscovery discovery, OidcIssuer issuer,
            KubernetesSerialization serialization) {
        this.desired = new DesiredState(settings, AccessInputsSource.waitingForIssuer(discovery, keys, issuer::url));
        this.serialization = serialization;
    }

    /** @param revisions the model and the revisions of its id it shares it with (just the model for most) */
    ModelManifests of(LLMModel model, List<LLMModel> revisions) {
        return desired.of(model, revisions);
    }

    /** @param servedElsewhere the ids the provider lists that an LLMModel or an older provider serves */
    ModelManifests of(PassthroughModel provider, Set<String> servedElsewhere) {
        return desired.of(provider, servedElsewhere);
    }

    /** Multi-document YAML, the withheld objects as leading comments. */
    String asYaml(ModelManifests manifests) {
        var yaml = new StringBuilder();
        manifests.withheld().forEach(w -> yaml.append("# withheld: ").append(w.kind()).append(' ').append(w.name())
                .append(": ").append(w.reason().replace('\n', ' ')).append('\n'));
        for (var object : manifests.all()) {
            var document = serialization.asYaml(object);
            yaml.append(document.startsWith("---") ? "" : "---\n").append(document);
            if (!document.endsWith("\n")) {
                yaml.append('\n');
            }
        }
        return yaml.toString();
    }

    String asJson(ModelManifests manifests) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("objects", manifests.all());
        body.put("withheld", manifests.withheld());
        return serialization.asJson(body);
    }
}
