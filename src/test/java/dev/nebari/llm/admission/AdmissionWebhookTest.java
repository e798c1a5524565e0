package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.KubernetesRequestCounter;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.MutableClock;
import dev.nebari.llm.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The webhook as the API server uses it: a ValidatingWebhookConfiguration points at our HTTPS server on loopback,
 * with the caBundle our certificate rotation publishes, and every LLMModel write in this class's namespaces goes
 * through it for real. The configuration only selects namespaces labelled for this class, so other test classes on
 * the shared cluster never meet it.
 */
@WithKubernetes(upstreamCrds = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionWebhookTest {

    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SELECTOR_LABEL = "admission-webhook-test";
    static final String CONFIGURATION = "admission-webhook-test-" + RUN;
    static final String CERTIFICATE_SECRET = "webhook-cert";
    static final String PATH = "/validate-llm-nebari-dev-v1alpha1-llmmodel";

    static final List<String> warnings = new CopyOnWriteArrayList<>();
    static final AtomicBoolean leader = new AtomicBoolean(true);
    static final MutableClock clock = MutableClock.startingNow();
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static KubernetesRequestCounter requests;
    static KubernetesClient operatorClient;
    static KubernetesClient client;
    static ReloadingKeyManager keyManager;
    static AdmissionWebhookServer server;
    static CertificateRotation rotation;
    static String releaseNamespace;
    static String managed;
    static String unmanaged;
    static long writesOfFirstCheck;
    static long patchesOfFirstCheck;

    /** Short lifetimes that a 55-minute clock jump renews (CA and serving), within the issuer's one-hour backdating. */
    static WebhookSettings settings(String namespace) {
        return new WebhookSettings(true, 0, PATH, "nebari-llm-serving-webhook", CONFIGURATION, CERTIFICATE_SECRET,
                namespace, Duration.ofMinutes(40), Duration.ofMinutes(20), Duration.ofMinutes(100), Duration.ofMinutes(50),
                Duration.ofHours(1), false);
    }

    @BeforeAll
    static void startWebhook(TestCluster cluster) {
        requests = new KubernetesRequestCounter();
        operatorClient = requests.countedClient(cluster.controlPlane().clientConfig());
        client = new KubernetesClientBuilder().withConfig(cluster.controlPlane().clientConfig())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("warnings", new WarningRecorder()))
                .build();
        releaseNamespace = cluster.newNamespace("webhook-release");
        managed = namespace("webhook-managed", Map.of("nebari.dev/managed", "true", SELECTOR_LABEL, RUN));
        unmanaged = namespace("webhook-unmanaged", Map.of(SELECTOR_LABEL, RUN));

        var settings = settings(releaseNamespace);
        keyManager = new ReloadingKeyManager();
        server = new AdmissionWebhookServer(settings, keyManager, new AdmissionReviewer(
                new AdmissionRules(ModelFixtures.settings()), new ApiServerLookup(operatorClient),
                operatorClient.getKubernetesSerialization(), meters));
        server.start();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(CONFIGURATION).endMetadata()
                .addNewWebhook()
                .withName(CaBundlePublisher.WEBHOOK_NAME)
                .withAdmissionReviewVersions("v1")
                .withNewClientConfig().withUrl("https://127.0.0.1:" + server.port() + PATH).endClientConfig()
                .addNewRule()
                .withApiGroups(LLMModel.GROUP).withApiVersions(LLMModel.VERSION).withResources(LLMModel.PLURAL)
                .withOperations("CREATE", "UPDATE").withScope("Namespaced")
                .endRule()
                .withMatchConditions(WebhookMatch.conditions())
                .withNewNamespaceSelector().withMatchLabels(Map.of(SELECTOR_LABEL, RUN)).endNamespaceSelector()
                .withFailurePolicy("Fail")
                .withSideEffects("None")
                .withTimeoutSeconds(5)
                .endWebhook()
                .build()).create();

        rotation = new CertificateRotation(new CertificateSecret(operatorClient, releaseNamespace, CERTIFICATE_SECRET),
                new CaBundlePublisher(operatorClient, CONFIGURATION), keyManager, settings, releaseNamespace, leader::get,
                clock);
        rotation.check();
        writesOfFirstCheck = requests.writes();
        patchesOfFirstCheck = requests.count("PATCH");

        // The API server picks up the new caBundle through its own informer; wait until it calls us successfully.
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> client.resource(model(managed, "warm-up", "warm-up")).create() != null);
    }

    @AfterAll
    static void stopWebhook() {
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION).delete();
        server.stop();
        client.close();
        operatorClient.close();
    }

    static String namespace(String prefix, Map<String, String> labels) {
        return client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName(prefix + "-")
                .withLabels(labels).endMetadata().build()).create().getMetadata().getName();
    }

    /** A model whose id is unique to this run, so models of other test classes never collide with it. */
    static LLMModel model(String namespace, String name, String id, String... extraModelFields) {
        return ModelFixtures.model(namespace, name, "webhook-test/" + id + "-" + RUN,
                extraModelFields.length == 0 ? List.of("storage: {size: 1Gi}") : List.of(extraModelFields),
                "access: {groups: [llm-users]}");
    }

    /** Revisions of one id pass the webhook together; one that lets other callers in is refused, naming both. */
    @Test
    @Order(2)
    void weightedRevisionsOfOneIdAreAdmittedAndOneWithOtherAccessIsRejected() {
        var id = "webhook-test/revisions-" + RUN;
        client.resource(ModelFixtures.model(managed, "rev-blue", id, "access: {groups: [llm-users]}\ntraffic: {weight: 90}")).create();
        client.resource(ModelFixtures.model(managed, "rev-green", id, "access: {groups: [llm-users]}\ntraffic: {weight: 10}")).create();

        assertThatThrownBy(() -> client.resource(ModelFixtures.model(managed, "rev-open", id,
                "access: {public: true}\ntraffic: {weight: 10}")).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("LLMModel " + managed + "/rev-open and LLMModel " + managed + "/rev-")
                .hasMessageContaining("as revisions but differ in spec.access;");
        assertThat(client.resources(LLMModel.class).inNamespace(managed).withName("rev-green").get()).isNotNull();
    }

    @Test
    @Order(1)
    void aDuplicateModelIdIsRejectedNamingTheModelThatServesIt() {
        client.resource(model(managed, "first", "duplicate")).create();

        assertThatThrownBy(() -> client.resource(model(managed, "second", "duplicate")).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.model.name \"webhook-test/duplicate-" + RUN + "\" of LLMModel " + managed
                        + "/second is already served by LLMModel " + managed + "/first");
        assertThat(client.resources(LLMModel.class).inNamespace(managed).withName("second").get()).isNull();
    }

    /** Through the API server: an adapter id is a model id, so one another model serves is refused, naming the field. */
    @Test
    @Order(1)
    void anAdapterIdAnotherModelServesIsRejectedNamingTheAdapterField() {
        client.resource(model(managed, "adapter-holder", "adapter-holder")).create();
        var taken = "webhook-test/adapter-holder-" + RUN;
        var clashing = ModelFixtures.model(managed, "adapter-clash", "webhook-test/adapter-clash-" + RUN,
                List.of("storage: {size: 1Gi}"), "access: {groups: [llm-users]}\nadapters: [{name: webhook-test/own-" + RUN
                        + "}, {name: " + taken + "}]");

        assertThatThrownBy(() -> client.resource(clashing).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.adapters[1].name \"" + taken + "\" of LLMModel " + managed
                        + "/adapter-clash is already served by LLMModel "
                        + managed + "/adapter-holder");
        assertThat(client.resources(LLMModel.class).inNamespace(managed).withName("adapter-clash").get()).isNull();
    }

    @Test
    @Order(1)
    void aModelInAnUnmanagedNamespaceIsRejected() {
        assertThatThrownBy(() -> client.resource(model(unmanaged, "stray", "stray")).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("namespace " + unmanaged + " is not managed by nebari-llm-serving: label it nebari.dev/managed=true");
    }

    @Test
    @Order(1)
    void emptyDirWithPreloadIsAcceptedWithAWarning() {
        var created = client.resource(model(managed, "scratch", "scratch", "storage: {type: emptyDir}", "preload: true")).create();

        assertThat(created).isNotNull();
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("emptyDir with preload: every restart re-downloads"));
    }

    @Test
    @Order(1)
    void aMissingAuthSecretIsAcceptedWithAWarning() {
        var created = client.resource(model(managed, "gated", "gated", "storage: {size: 1Gi}", "authSecretName: hf-token-absent")).create();

        assertThat(created).isNotNull();
        assertThat(warnings).anySatisfy(w -> assertThat(w)
                .contains("spec.model.authSecretName: Secret " + managed + "/hf-token-absent does not exist"));
    }

    @Test
    @Order(1)
    void updatingAModelWithoutChangingItsIdIsAccepted() {
        client.resource(model(managed, "steady", "steady")).create();

        var updated = client.resources(LLMModel.class).inNamespace(managed).withName("steady")
                .edit(m -> {
                    m.getMetadata().setLabels(Map.of("team", "a"));
                    return m;
                });

        assertThat(updated.getMetadata().getLabels()).containsEntry("team", "a");
    }

    /**
     * An update that leaves the spec alone (the operator's finalizer, a label) never reaches the webhook, which would
     * allow it anyway (WebhookMatch); a spec change does.
     */
    @Test
    @Order(1)
    void onlyUpdatesThatChangeTheSpecAreReviewed() {
        client.resource(model(managed, "quiet", "quiet")).create();
        var quiet = client.resources(LLMModel.class).inNamespace(managed).withName("quiet");
        var reviewed = reviews();

        quiet.edit(m -> {
            m.getMetadata().setFinalizers(List.of(LLMModel.GROUP + "/cleanup"));
            m.getMetadata().setLabels(Map.of("team", "b"));
            return m;
        });
        assertThat(reviews()).as("after a finalizer and a label").isEqualTo(reviewed);

        quiet.edit(m -> {
            m.setSpec(model(managed, "quiet", "quiet", "storage: {size: 2Gi}").getSpec());
            return m;
        });
        assertThat(reviews()).as("after a spec change").isEqualTo(reviewed + 1);

        quiet.edit(m -> {
            m.getMetadata().setFinalizers(List.of());
            return m;
        });
        quiet.delete();
        assertThat(reviews()).as("after removing the finalizer and deleting").isEqualTo(reviewed + 1);
    }

    private static long reviews() {
        return meters.find("nebari.webhook.reviews").timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    @Order(2)
    void theCaBundleIsWrittenOnceAndNotRewrittenWhileUnchanged() {
        assertThat(patchesOfFirstCheck).as("caBundle patches of the first check").isEqualTo(1);
        assertThat(writesOfFirstCheck).as("Secret create + caBundle patch").isEqualTo(2);
        var writesBefore = requests.writes();

        rotation.check();
        rotation.check();
        rotation.check();

        assertThat(requests.writes()).as("writes of unchanged checks").isEqualTo(writesBefore);
        assertThat(caBundle()).isEqualTo(storedCertificates().caBundle(clock.instant()));
    }

    @Test
    @Order(2)
    void aReplicaThatDoesNotLeadLeavesTheCaBundleAlone() {
        leader.set(false);
        try {
            var standbyKeys = new ReloadingKeyManager();
            var settings = settings(releaseNamespace);
            var standby = new CertificateRotation(new CertificateSecret(operatorClient, releaseNamespace, CERTIFICATE_SECRET),
                    new CaBundlePublisher(operatorClient, CONFIGURATION), standbyKeys, settings, releaseNamespace,
                    leader::get, clock);
            client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION)
                    .edit(c -> {
                        c.getWebhooks().getFirst().getClientConfig().setCaBundle(null);
                        return c;
                    });
            var writesBefore = requests.writes();

            standby.check();

            assertThat(requests.writes()).isEqualTo(writesBefore);
            assertThat(standbyKeys.presented()).as("the standby serves the shared certificate")
                    .isEqualTo(storedCertificates().serving());
        } finally {
            leader.set(true);
            rotation.check();
        }
        assertThat(caBundle()).isEqualTo(storedCertificates().caBundle(clock.instant()));
    }

    @Test
    @Order(3)
    void certificatesAreRenewedBeforeExpiryAndTheWebhookKeepsAnswering() throws Exception {
        var before = storedCertificates();
        var bundleBefore = caBundle();

        clock.advance(Duration.ofMinutes(55));
        rotation.check();

        var afterCaRotation = storedCertificates();
        assertThat(afterCaRotation.ca()).isNotEqualTo(before.ca());
        assertThat(afterCaRotation.servingCertificate()).as("served until the API server trusts the new CA")
                .isEqualTo(before.servingCertificate());
        assertThat(caBundle()).isNotEqualTo(bundleBefore)
                .contains(afterCaRotation.caCertificate().strip()).contains(before.caCertificate().strip());

        rotation.check();

        var renewed = storedCertificates();
        assertThat(renewed.serving()).isNotEqualTo(before.serving());
        assertThat(renewed.serving().getIssuerX500Principal()).isEqualTo(renewed.ca().getSubjectX500Principal());
        assertThat(presentedCertificate()).as("the running server presents the new certificate").isEqualTo(renewed.serving());
        await().atMost(TIMEOUT).ignoreExceptions()
                .until(() -> client.resource(model(managed, "after-rotation", "after-rotation")).create() != null);
        assertThatThrownBy(() -> client.resource(model(managed, "after-rotation-duplicate", "after-rotation")).create())
                .hasMessageContaining("is already served by LLMModel " + managed + "/after-rotation");
    }

    static String caBundle() {
        var encoded = client.admissionRegistration().v1().validatingWebhookConfigurations().withName(CONFIGURATION).get()
                .getWebhooks().getFirst().getClientConfig().getCaBundle();
        return encoded == null ? "" : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    static WebhookCertificates storedCertificates() {
        return new CertificateSecret(client, releaseNamespace, CERTIFICATE_SECRET).read().certificates().orElseThrow();
    }

    /** The certificate a fresh TLS handshake with the webhook server gets. */
    static X509Certificate presentedCertificate() throws Exception {
        var context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptingTrustManager()}, null);
        try (var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** Records the API server's Warning headers, which carry admission warnings to clients. */
    static final class WarningRecorder implements Interceptor {
        @Override
        public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            warnings.addAll(response.headers("Warning"));
        }
    }

    /** Trusts any server: the test only reads which certificate is presented. */
    static final class AcceptingTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
