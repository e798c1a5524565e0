package dev.nebari.llm.platform;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The pack's configuration. Property names are the Helm values (the chart renders its values into the
 * application's configuration as they are), so {@code platform.baseDomain} in values.yaml is
 * {@code platform.baseDomain} here. Defaults match the chart's. Invalid or missing required values stop start-up
 * with a message naming the property and the fix.
 */
@Validated
@ConfigurationProperties
public record PackSettings(
        @Valid @NotNull @DefaultValue Platform platform,
        @Valid @NotNull @DefaultValue Auth auth,
        @Valid @NotNull @DefaultValue Defaults defaults,
        @NotBlank(message = "apiKeysNamespace must name the namespace that holds the API-key Secrets, e.g. llm-api-keys")
        @Pattern(regexp = DNS_LABEL, message = "apiKeysNamespace must be a namespace name (a DNS label)")
        @DefaultValue("llm-api-keys") String apiKeysNamespace,
        @DefaultValue List<@Pattern(regexp = DNS_LABEL, message = "watchNamespaces entries must be namespace names") String> watchNamespaces,
        @Valid @NotNull @DefaultValue KeyManager keyManager,
        @Valid @NotNull @DefaultValue Keys keys) {

    static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
    static final String DNS_NAME = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$";

    /** Where models are exposed. */
    public record Platform(
            @NotBlank(message = "platform.baseDomain is required: set it to the DNS domain models are served under, e.g. nebari.example.com")
            @Pattern(regexp = DNS_NAME, message = "platform.baseDomain must be a lowercase DNS name such as nebari.example.com (no scheme, no port)")
            String baseDomain,
            @Valid @NotNull @DefaultValue Routing routing,
            @Valid @NotNull @DefaultValue Gateways gateway,
            @Valid @NotNull @DefaultValue Tls tls,
            @NotBlank @DefaultValue("monitoring") String monitoringNamespace) {

        @AssertTrue(message = "platform.gateway.manageSharedListeners needs exactly one source of the listeners' "
                + "certificate: set platform.tls.clusterIssuer (cert-manager issues it) or platform.tls.secretName "
                + "(a TLS Secret you provide), not both")
        public boolean isSharedListenerCertificateChosen() {
            return !managesListeners() || tls.clusterIssuer().isBlank() != tls.secretName().isBlank();
        }

        /** One certificate serves both listeners, and a listener's Secret must be in its Gateway's namespace. */
        @AssertTrue(message = "platform.gateway.manageSharedListeners needs both Gateways in one namespace: the "
                + "listeners' TLS Secret must be beside them (platform.gateway.external.namespace and "
                + "platform.gateway.internal.namespace differ)")
        public boolean isSharedListenerNamespaceCommon() {
            return !managesListeners() || gateway.external().namespace().equals(gateway.internal().namespace());
        }

        @AssertTrue(message = "platform.gateway.external.url and platform.gateway.internal.url apply to the shared routing "
                + "mode only (in subdomain mode every model has a host of its own): leave them empty")
        public boolean isEndpointUrlOnlyInSharedMode() {
            return gateway == null || routing == null || routing.mode() == RoutingMode.SHARED
                    || gateway.external() == null || gateway.internal() == null
                    || gateway.external().url().isBlank() && gateway.internal().url().isBlank();
        }

        @AssertTrue(message = "platform.gateway.external.listener and platform.gateway.internal.listener must differ "
                + "when both name the same Gateway and platform.gateway.manageSharedListeners is on")
        public boolean isSharedListenerNameDistinct() {
            return !managesListeners() || !gateway.external().name().equals(gateway.internal().name())
                    || !gateway.external().listener().equals(gateway.internal().listener());
        }

        private boolean managesListeners() {
            // validation runs on what was bound; a missing section is reported by its own @NotNull
            return gateway != null && tls != null && gateway.manageSharedListeners()
                    && gateway.external() != null && gateway.internal() != null;
        }
    }

    /** How requests find a model: by model id on shared hosts, or by a per-model host. */
    public record Routing(@NotNull @DefaultValue("shared") RoutingMode mode) {
    }

    public enum RoutingMode { SHARED, SUBDOMAIN }

    public record Gateways(
            @Valid @NotNull @DefaultValue ExternalGateway external,
            @Valid @NotNull @DefaultValue InternalGateway internal,
            @DefaultValue("false") boolean manageSharedListeners) {
    }

    /**
     * A shared Gateway and the listener (route {@code sectionName}) the pack attaches its routes to, and, when
     * clients reach that listener somewhere other than {@code https://llm[-internal].<baseDomain>} (a load balancer
     * on another name or port, the local demo), the URL they use (shared routing mode only).
     */
    public sealed interface GatewayRef permits ExternalGateway, InternalGateway {
        String name();

        String namespace();

        String listener();

        String url();
    }

    static final String ENDPOINT_URL = "^$|^https?://[^\\s/?#]+/?$";
    static final String ENDPOINT_URL_MESSAGE = " must be a URL such as https://llm.example.com:8443 (scheme, host and "
            + "optional port, no path), or empty for https://llm.<baseDomain>";

    /** The Gateway that serves API-key callers from outside the cluster. */
    public record ExternalGateway(
            @NotBlank(message = "platform.gateway.external.name must name a Gateway") @DefaultValue("nebari-gateway") String name,
            @NotBlank(message = "platform.gateway.external.namespace must name the Gateway's namespace")
            @DefaultValue("envoy-gateway-system") String namespace,
            @NotBlank(message = "platform.gateway.external.listener must name the listener the routes attach to")
            @DefaultValue("llm-https") String listener,
            @Pattern(regexp = ENDPOINT_URL, message = "platform.gateway.external.url" + ENDPOINT_URL_MESSAGE)
            @DefaultValue("") String url) implements GatewayRef {
    }

    /** The Gateway that serves in-cluster callers with a JWT. */
    public record InternalGateway(
            @NotBlank(message = "platform.gateway.internal.name must name a Gateway") @DefaultValue("nebari-internal-gateway") String name,
            @NotBlank(message = "platform.gateway.internal.namespace must name the Gateway's namespace")
            @DefaultValue("envoy-gateway-system") String namespace,
            @NotBlank(message = "platform.gateway.internal.listener must name the listener the routes attach to")
            @DefaultValue("llm-internal-https") String listener,
            @Pattern(regexp = ENDPOINT_URL, message = "platform.gateway.internal.url" + ENDPOINT_URL_MESSAGE)
            @DefaultValue("") String url) implements GatewayRef {
    }

    public record Tls(@DefaultValue("") String clusterIssuer, @DefaultValue("") String secretName) {
    }

    public record Auth(@Valid @NotNull @DefaultValue Oidc oidc, @DefaultValue("admin") List<String> adminGroups) {
    }

    /**
     * The OIDC provider. An empty issuer means: read it from the NebariApp's provisioned Secret.
     *
     * <p>{@code apiClientId}: a public client (no secret, PKCE) with which people and scripts get tokens for the REST
     * API — the OpenAPI page's Authorize and the device-authorization grant; its tokens are accepted like the
     * portal's. The portal's own client is usually confidential, and its secret must never reach a browser.
     */
    public record Oidc(
            @DefaultValue("")
            @Pattern(regexp = "^$|^https://[^\\s/?#]+[^\\s?#]*$|^http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?(/[^\\s?#]*)?$",
                    message = "auth.oidc.issuerURL must be an https URL (http only for localhost), e.g. https://keycloak.example.com/realms/nebari")
            String issuerURL,
            @NotBlank(message = "auth.oidc.groupsClaim must name the token claim that lists the user's groups, e.g. groups")
            @DefaultValue("groups") String groupsClaim,
            @DefaultValue("") String audience,
            @DefaultValue("") String nebariAppSecretName,
            @NotNull @DefaultValue List<String> authorizedParties,
            @DefaultValue("") String apiClientId) {

        public Oidc {
            authorizedParties = List.copyOf(authorizedParties);
        }
    }

    public record Defaults(
            @Valid @NotNull @DefaultValue Serving serving,
            @Valid @NotNull @DefaultValue Storage storage,
            @Valid @NotNull @DefaultValue Monitoring monitoring,
            @Valid @NotNull @DefaultValue Epp epp,
            @Valid @NotNull @DefaultValue Downloader downloader,
            @Valid @NotNull @DefaultValue Hub hub,
            @Valid @NotNull @DefaultValue Proxy proxy,
            @Valid @NotNull @DefaultValue TrustedCA trustedCA,
            @DefaultValue List<@Pattern(regexp = DNS_NAME, message = "defaults.imagePullSecrets entries must be Secret names")
                    String> imagePullSecrets) {

        public Defaults {
            imagePullSecrets = List.copyOf(imagePullSecrets);
        }

        /**
         * What a model's pods pull images with: these Secrets (which must exist in every model namespace), then the
         * model's own ({@code spec.serving.imagePullSecrets}), each once; null when there are none, so the rendered
         * pod has no field, as the API server returns it.
         */
        public @Nullable List<LocalObjectReference> imagePullSecretsWith(List<String> modelSecrets) {
            var names = new java.util.LinkedHashSet<>(imagePullSecrets);
            names.addAll(modelSecrets);
            return names.isEmpty() ? null : names.stream().map(LocalObjectReference::new).toList();
        }
    }

    public record Serving(
            @NotBlank(message = "defaults.serving.image must name the vLLM image") @DefaultValue("ghcr.io/llm-d/llm-d-cuda:v0.6.0") String image) {
    }

    public record Storage(
            @DefaultValue("") String storageClassName,
            @Pattern(regexp = "ReadWriteOnce|ReadWriteOncePod|ReadWriteMany",
                    message = "defaults.storage.accessMode must be ReadWriteOnce, ReadWriteOncePod or ReadWriteMany")
            @DefaultValue("ReadWriteOnce") String accessMode) {
    }

    public record Monitoring(@DefaultValue("true") boolean enabled) {
    }

    /** The llm-d endpoint picker (inference scheduler). */
    public record Epp(
            @NotBlank(message = "defaults.epp.image must name the endpoint picker image")
            @DefaultValue("ghcr.io/llm-d/llm-d-inference-scheduler:v0.6.0") String image) {
    }

    public record Downloader(
            @NotBlank(message = "defaults.downloader.image must name the model downloader image")
            @DefaultValue("ghcr.io/nebari-dev/nebari-llm-downloader:0.1.0") String image) {
    }

    /**
     * An http(s) URL with an optional path (Artifactory and Nexus serve their Hub remotes under one), no query. The
     * same pattern as {@code model.Names.HUB_ENDPOINT} for spec.model.hubEndpoint (platform cannot see the model module).
     */
    static final String HUB_ENDPOINT = "^https?://[^\\s/?#]+(/[^\\s?#]*)?$";

    /** The Hugging Face Hub that model pods download from when a model names none (spec.model.hubEndpoint). */
    public record Hub(
            @Pattern(regexp = "^$|" + HUB_ENDPOINT, message = "defaults.hub.endpoint must be the http(s) URL of a Hugging "
                    + "Face Hub or mirror, e.g. https://hf-mirror.example.com (a path is allowed, no query), or empty for "
                    + "https://huggingface.co")
            @DefaultValue("") String endpoint) {
    }

    static final String PROXY_URL = "^$|^http://([^\\s/?#@]+@)?([^\\s/?#@:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?/?$";
    static final String PROXY_URL_MESSAGE = " must be an http:// URL such as http://proxy.example.com:3128 (optional "
            + "user:password@, no path), or empty";
    static final String NO_PROXY_ENTRY = "[A-Za-z0-9._*:/\\[\\]-]+";

    /**
     * The HTTP proxy model pods reach the Hub through: HTTP_PROXY, HTTPS_PROXY and NO_PROXY (and their lower-case
     * forms) of the downloader and vLLM containers. An https proxy URL is refused: the downloader (and most clients)
     * speak plain HTTP to the proxy and tunnel https requests through it.
     */
    public record Proxy(
            @Pattern(regexp = PROXY_URL, message = "defaults.proxy.httpProxy" + PROXY_URL_MESSAGE) @DefaultValue("") String httpProxy,
            @Pattern(regexp = PROXY_URL, message = "defaults.proxy.httpsProxy" + PROXY_URL_MESSAGE
                    + " (still http://: https requests are tunnelled through it)")
            @DefaultValue("") String httpsProxy,
            @Pattern(regexp = "^\\s*(" + NO_PROXY_ENTRY + ")?(\\s*,\\s*(" + NO_PROXY_ENTRY + ")?)*\\s*$",
                    message = "defaults.proxy.noProxy must be a comma-separated list of host names (.example.com matches "
                            + "its subdomains), IP addresses, CIDR ranges (10.0.0.0/8) or *")
            @DefaultValue("") String noProxy) {
    }

    /**
     * Certificate authorities model pods trust besides the public ones (a Hub mirror or a TLS-inspecting proxy behind
     * a private CA): either the PEM bundle itself, which the operator copies into a ConfigMap beside each model, or
     * the name of a ConfigMap that already exists in every model namespace (trust-manager distributes one).
     */
    public record TrustedCA(
            @DefaultValue("") String bundle,
            @Pattern(regexp = "^$|" + DNS_NAME, message = "defaults.trustedCA.configMapName must be a ConfigMap name, or empty")
            @DefaultValue("") String configMapName,
            @Pattern(regexp = "^[-._a-zA-Z0-9]+$", message = "defaults.trustedCA.configMapKey must be a ConfigMap key, e.g. ca.crt")
            @DefaultValue("ca.crt") String configMapKey) {

        @AssertTrue(message = "defaults.trustedCA: set bundle (the operator copies it into each model's namespace) or "
                + "configMapName (a ConfigMap that exists in every model namespace), not both")
        public boolean isOneSource() {
            return bundle == null || configMapName == null || bundle.isBlank() || configMapName.isBlank();
        }

        @AssertTrue(message = "defaults.trustedCA.bundle must be PEM certificates (-----BEGIN CERTIFICATE----- ...), e.g. "
                + "the CA certificate that signed the Hub mirror's or the proxy's certificate")
        public boolean isBundleReadable() {
            if (bundle == null || bundle.isBlank()) {
                return true;
            }
            try {
                var pem = new ByteArrayInputStream(bundle.getBytes(StandardCharsets.US_ASCII));
                return bundle.contains("-----BEGIN CERTIFICATE-----")
                        && !CertificateFactory.getInstance("X.509").generateCertificates(pem).isEmpty();
            } catch (CertificateException e) {
                return false;
            }
        }

        public boolean isConfigured() {
            return !bundle.isBlank() || !configMapName.isBlank();
        }
    }

    public record KeyManager(@DefaultValue("true") boolean enabled) {
    }

    /** API-key lifetimes and caps. */
    public record Keys(
            @NotNull @DefaultValue("90d") Duration defaultTTL,
            @NotNull @DefaultValue("365d") Duration maxTTL,
            @DefaultValue("false") boolean allowNoExpiry,
            @Min(value = 1, message = "keys.maxPerUserPerModel must be at least 1")
            @Max(value = 1000, message = "keys.maxPerUserPerModel must be at most 1000")
            @DefaultValue("5") int maxPerUserPerModel,
            @NotNull @DefaultValue("60s") Duration sweepInterval,
            @Min(value = 1, message = "keys.writesPerMinute must be at least 1")
            @DefaultValue("30") int writesPerMinute) {

        @AssertTrue(message = "keys.defaultTTL must not exceed keys.maxTTL")
        public boolean isDefaultWithinMax() {
            return defaultTTL == null || maxTTL == null || defaultTTL.compareTo(maxTTL) <= 0;
        }
    }
}
