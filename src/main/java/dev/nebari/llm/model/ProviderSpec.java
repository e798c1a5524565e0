package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import org.jspecify.annotations.Nullable;

/**
 * The provider: a host name and port reached over TLS (always: the credential travels with every request), the API
 * it speaks, the Secret with the credential the gateway sends, and optionally the CA that signed its certificate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProviderSpec(
        @Required @Size(min = 1, max = 253)
        @ValidationRule(value = "self.matches('" + DNS_NAME + "')",
                message = "spec.provider.hostname must be a bare DNS name such as openrouter.ai: lowercase, no scheme, port, path or spaces")
        @JsonPropertyDescription("The provider's DNS name, e.g. openrouter.ai; also the name its TLS certificate must carry (SNI).")
        String hostname,
        @Default("443") @Min(1) @Max(65535)
        @JsonPropertyDescription("The provider's HTTPS port.")
        Integer port,
        @JsonPropertyDescription("The API the provider speaks and the path prefix it serves it under.")
        ProviderSchemaSpec schema,
        @Required @JsonPropertyDescription("The Secret (in this namespace) holding the provider's API key; never shown to users.")
        CredentialSpec credential,
        @JsonPropertyDescription("A ConfigMap (in this namespace) with the CA bundle that signed the provider's certificate; default: the system CAs.")
        @Nullable CaBundleSpec caBundle) {

    /** {@link Names#DNS_SUBDOMAIN} spelled for CEL, whose string literals know no {@code \\.} escape. */
    static final String DNS_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public ProviderSpec {
        port = port != null ? port : 443;
        schema = schema != null ? schema : ProviderSchemaSpec.DEFAULT;
    }

    /**
     * @param prefix the path before {@code /chat/completions}: {@code v1} for OpenAI and vLLM, {@code api/v1} for
     *               OpenRouter. Rendered as the AIServiceBackend's {@code schema.prefix}: for OpenAI, AI Gateway v1.0.0
     *               ignores {@code schema.version} (the predecessor's {@code schemaVersion} went there).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProviderSchemaSpec(
            @Default("OpenAI") @io.fabric8.generator.annotation.Pattern("^OpenAI$")
            @JsonPropertyDescription("The provider's API; only OpenAI (the OpenAI-compatible API) is supported.")
            String name,
            @Default("v1") @Size(min = 1, max = 64)
            @ValidationRule(value = "self.matches('^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$')",
                    message = "spec.provider.schema.prefix must be a path without leading or trailing '/', such as v1 or api/v1")
            @JsonPropertyDescription("Path of the provider's API before /chat/completions: v1 (OpenAI, vLLM) or api/v1 (OpenRouter).")
            String prefix) {

        public static final ProviderSchemaSpec DEFAULT = new ProviderSchemaSpec(null, null);

        public ProviderSchemaSpec {
            name = name != null ? name : "OpenAI";
            prefix = prefix != null ? prefix : "v1";
        }
    }

    /**
     * Envoy AI Gateway v1.0.0 reads an APIKey BackendSecurityPolicy's key from the data key {@code apiKey} only
     * (internal/controller: apiKeyInSecret), so {@code key} must be that; the field is there so a later gateway
     * that reads other keys needs no API change.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CredentialSpec(
            @Required @Size(min = 1, max = 253)
            @ValidationRule(value = "self.matches('" + DNS_NAME + "')",
                    message = "spec.provider.credential.secretName must be the name of a Secret in this namespace")
            @JsonPropertyDescription("The Secret with the provider's API key.")
            String secretName,
            @Default(CredentialSpec.API_KEY) @Size(max = 253)
            @ValidationRule(value = "self == 'apiKey'",
                    message = "spec.provider.credential.key must be apiKey: Envoy AI Gateway v1.0.0 reads the provider key from that Secret key only")
            @JsonPropertyDescription("The Secret's data key with the API key; Envoy AI Gateway v1.0.0 reads only apiKey.")
            String key) {

        public static final String API_KEY = "apiKey";

        public CredentialSpec {
            key = key != null ? key : API_KEY;
        }
    }

    /** A private provider's CA: a ConfigMap key with PEM certificates, as Gateway API's BackendTLSPolicy reads it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CaBundleSpec(
            @Required @Size(min = 1, max = 253)
            @ValidationRule(value = "self.matches('" + DNS_NAME + "')",
                    message = "spec.provider.caBundle.configMapName must be the name of a ConfigMap in this namespace")
            @JsonPropertyDescription("The ConfigMap with the CA bundle.")
            String configMapName,
            @Default(CaBundleSpec.CA_CRT) @Size(min = 1, max = 253)
            @ValidationRule(value = "self == 'ca.crt'",
                    message = "spec.provider.caBundle.key must be ca.crt: Envoy Gateway reads a BackendTLSPolicy's CA from that ConfigMap key")
            @JsonPropertyDescription("The ConfigMap key with the PEM bundle; Envoy Gateway reads ca.crt.")
            String key) {

        public static final String CA_CRT = "ca.crt";

        public CaBundleSpec {
            key = key != null ? key : CA_CRT;
        }
    }
}
