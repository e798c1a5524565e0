package dev.nebari.llm.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.admission.ClusterLookup.SecretPresence;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.platform.PackSettings.RoutingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admission rules without a cluster: what is rejected, what only warns, and what an UPDATE is checked for. */
class AdmissionRulesTest {

    /** An in-memory cluster that also records which lookups the rules made. */
    static class FakeCluster implements ClusterLookup {
        final Map<String, Map<String, String>> namespaces = new java.util.HashMap<>();
        final List<LLMModel> models = new ArrayList<>();
        final Map<String, SecretPresence> secrets = new java.util.HashMap<>();
        final List<String> lookups = new ArrayList<>();

        FakeCluster() {
            namespaces.put("team-a", Map.of("nebari.dev/managed", "true"));
            namespaces.put("team-b", Map.of("nebari.dev/managed", "true"));
            namespaces.put("sandbox", Map.of());
        }

        @Override
        public Optional<Map<String, String>> namespaceLabels(String namespace) {
            lookups.add("namespace " + namespace);
            return Optional.ofNullable(namespaces.get(namespace));
        }

        @Override
        public List<LLMModel> models() {
            lookups.add("models");
            return models;
        }

        @Override
        public SecretPresence secret(String namespace, String name) {
            lookups.add("secret " + namespace + "/" + name);
            return secrets.getOrDefault(namespace + "/" + name, SecretPresence.ABSENT);
        }
    }

    final FakeCluster cluster = new FakeCluster();
    final AdmissionRules rules = new AdmissionRules(ModelFixtures.settings());

    static LLMModel model(String namespace, String name, String id, String... modelFields) {
        return modelWithSpec(namespace, name, id, "", modelFields);
    }

    static LLMModel withSubdomain(String namespace, String name, String id, String subdomain) {
        return modelWithSpec(namespace, name, id, "endpoints: {external: {subdomain: " + subdomain + "}}");
    }

    private static LLMModel modelWithSpec(String namespace, String name, String id, String extraSpec, String... modelFields) {
        return ModelFixtures.model(namespace, name, id,
                modelFields.length == 0 ? List.of("storage: {size: 1Gi}") : List.of(modelFields),
                "access: {public: true}\n" + extraSpec);
    }

    AdmissionDecision create(LLMModel model) {
        return rules.decide(new ModelChange(model, null), cluster);
    }

    AdmissionDecision update(LLMModel previous, LLMModel model) {
        return rules.decide(new ModelChange(model, previous), cluster);
    }

    @Test
    void aNewModelWithAFreshIdInAManagedNamespaceIsAllowedWithoutWarnings() {
        var decision = create(model("team-a", "qwen", "Qwen/Qwen3-0.6B"));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.warnings()).isEmpty();
    }

    @Test
    void aNamespaceWithoutTheManagedLabelIsRejectedWithTheCommandThatFixesIt() {
        var decision = create(model("sandbox", "qwen", "Qwen/Qwen3-0.6B"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).isEqualTo("namespace sandbox is not managed by nebari-llm-serving: label it "
                + "nebari.dev/managed=true (kubectl label namespace sandbox nebari.dev/managed=true)");
    }

    @Test
    void withWatchNamespacesOnlyThoseAreManagedWhateverTheirLabels() {
        var base = ModelFixtures.settings();
        var watching = new AdmissionRules(new PackSettings(base.platform(), base.auth(), base.defaults(),
                base.apiKeysNamespace(), List.of("sandbox"), base.keyManager(), base.keys()));

        assertThat(watching.decide(new ModelChange(model("sandbox", "qwen", "Qwen/Qwen3-0.6B"), null), cluster).allowed()).isTrue();
        var elsewhere = watching.decide(new ModelChange(model("team-a", "qwen", "Qwen/Qwen3-0.6B"), null), cluster);
        assertThat(elsewhere.message()).isEqualTo("namespace team-a is not managed by nebari-llm-serving: the pack watches "
                + "only sandbox (Helm value watchNamespaces)");
    }

    @Test
    void aModelIdServedByAModelInAnyNamespaceIsRejectedNamingThatModel() {
        cluster.models.add(model("team-b", "their-qwen", "Qwen/Qwen3-0.6B"));

        var decision = create(model("team-a", "qwen", "Qwen/Qwen3-0.6B"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).startsWith("spec.model.name \"Qwen/Qwen3-0.6B\" of LLMModel team-a/qwen is already served by "
                + "LLMModel team-b/their-qwen; each model id leads to one model, unless both models set spec.traffic.weight");
    }

    // --- aliases and revisions (docs/aliases-and-revisions.md) ---

    static LLMModel revision(String namespace, String name, String id, int weight, String spec) {
        return ModelFixtures.model(namespace, name, id, List.of("storage: {size: 1Gi}"),
                spec + "\ntraffic: {weight: " + weight + "}");
    }

    @Test
    void twoWeightedRevisionsOfOneIdInOneNamespaceAreAllowed() {
        cluster.models.add(revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {groups: [data-science]}"));

        var decision = create(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {groups: [data-science]}"));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.warnings()).isEmpty();
    }

    @Test
    void aSecondModelWithTheIdIsRejectedWhenOnlyOneOfThemOptsIn() {
        cluster.models.add(model("team-a", "qwen-blue", "Qwen/Qwen3-0.6B"));

        var decision = create(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {public: true}"));

        assertThat(decision.message()).isEqualTo("spec.model.name \"Qwen/Qwen3-0.6B\" of LLMModel team-a/qwen-green is already "
                + "served by LLMModel team-a/qwen-blue; each model id leads to one model, unless both models set "
                + "spec.traffic.weight to serve it as revisions (in one namespace)");
    }

    @Test
    void revisionsInTwoNamespacesAreRejected() {
        cluster.models.add(revision("team-b", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {public: true}"));

        var decision = create(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {public: true}"));

        assertThat(decision.message()).endsWith("revisions of one id (spec.traffic) must be in one namespace");
    }

    /** Access stays per model: a key or token accepted for the id must not depend on which revision answers. */
    @Test
    void revisionsThatDifferInWhoMayCallOrInLimitsAreRejectedNamingBothModelsAndTheFields() {
        cluster.models.add(revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {groups: [data-science]}"));

        var decision = create(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10,
                "access: {groups: [data-science, interns]}\nlimits: {requestsPerMinute: 5}"));

        assertThat(decision.message()).isEqualTo("LLMModel team-a/qwen-green and LLMModel team-a/qwen-blue serve model id "
                + "\"Qwen/Qwen3-0.6B\" as revisions but differ in spec.access, spec.limits; revisions of one id must agree "
                + "on what callers see (aliases, adapter ids, access, endpoints, limits), because a request to the id may land on either");
    }

    @Test
    void groupsSpelledWithAndWithoutTheLeadingSlashAreTheSameAccess() {
        cluster.models.add(revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {groups: [/data-science]}"));

        assertThat(create(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {groups: [data-science]}")).allowed())
                .isTrue();
    }

    @Test
    void revisionsWithDifferentAliasesAreRejected() {
        cluster.models.add(ModelFixtures.model("team-a", "qwen-blue", "Qwen/Qwen3-0.6B",
                List.of("storage: {size: 1Gi}", "aliases: [chat-default]"), "access: {public: true}\ntraffic: {weight: 90}"));

        var decision = create(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {public: true}"));

        assertThat(decision.message()).contains("differ in spec.model.aliases;");
    }

    @Test
    void anAliasThatIsAnotherModelsIdOrAliasIsRejected() {
        cluster.models.add(ModelFixtures.model("team-b", "llama", "meta-llama/Llama-3.2-1B",
                List.of("storage: {size: 1Gi}", "aliases: [chat-default]"), "access: {public: true}"));
        var aliasOfTheirs = ModelFixtures.model("team-a", "qwen", "Qwen/Qwen3-0.6B",
                List.of("storage: {size: 1Gi}", "aliases: [chat-default]"), "access: {public: true}");
        var theirId = ModelFixtures.model("team-a", "qwen", "Qwen/Qwen3-0.6B",
                List.of("storage: {size: 1Gi}", "aliases: [meta-llama/Llama-3.2-1B]"), "access: {public: true}");

        assertThat(create(aliasOfTheirs).message()).isEqualTo("spec.model.aliases[0] \"chat-default\" of LLMModel team-a/qwen is "
                + "already served by LLMModel team-b/llama (as an alias); each model id, alias and adapter id leads to one "
                + "model: change spec.model.aliases[0] or the other model");
        assertThat(create(theirId).message()).startsWith("spec.model.aliases[0] \"meta-llama/Llama-3.2-1B\" of LLMModel team-a/qwen is "
                + "already served by LLMModel team-b/llama;");
    }

    @Test
    void removingTheOptInWhileAnotherRevisionServesTheIdIsRejected() {
        var blue = revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {public: true}");
        cluster.models.add(blue);
        cluster.models.add(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {public: true}"));

        var decision = update(blue, model("team-a", "qwen-blue", "Qwen/Qwen3-0.6B"));

        assertThat(decision.message()).contains("of LLMModel team-a/qwen-blue is already served by LLMModel team-a/qwen-green");
    }

    @Test
    void changingAWeightIsAllowedAndWeightsThatAreAllZeroWarn() {
        var blue = revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {public: true}");
        cluster.models.add(blue);
        cluster.models.add(revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 0, "access: {public: true}"));

        var shifted = update(blue, revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 50, "access: {public: true}"));
        var none = update(blue, revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 0, "access: {public: true}"));

        assertThat(shifted.allowed()).isTrue();
        assertThat(shifted.warnings()).isEmpty();
        assertThat(none.allowed()).isTrue();
        assertThat(none.warnings()).containsExactly("spec.traffic.weight: every revision of model id \"Qwen/Qwen3-0.6B\" "
                + "has weight 0, so the gateway has nowhere to send its requests and answers them with an error; give one "
                + "of them a weight above 0");
    }

    @Test
    void aConflictThatExistedBeforeDoesNotBlockAnUnrelatedUpdate() {
        var stored = revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 10, "access: {groups: [interns]}");
        cluster.models.add(revision("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", 90, "access: {groups: [data-science]}"));

        var decision = update(stored, revision("team-a", "qwen-green", "Qwen/Qwen3-0.6B", 20, "access: {groups: [interns]}"));

        assertThat(decision.allowed()).isTrue();
    }

    @Test
    void sharedRoutingIgnoresSubdomains() {
        cluster.models.add(withSubdomain("team-b", "other", "Org/Other", "chat"));

        assertThat(create(withSubdomain("team-a", "qwen", "Qwen/Qwen3-0.6B", "chat")).allowed()).isTrue();
    }

    @Test
    void subdomainRoutingRejectsASubdomainInUseIncludingOneDerivedFromTheModelId() {
        var subdomainRules = new AdmissionRules(ModelFixtures.settings(RoutingMode.SUBDOMAIN));
        cluster.models.add(model("team-b", "other", "Qwen/Qwen3.0.6B"));

        // Qwen/Qwen3-0.6B and Qwen/Qwen3.0.6B are different ids but both slug to qwen-qwen3-0-6b.
        var decision = subdomainRules.decide(new ModelChange(model("team-a", "qwen", "Qwen/Qwen3-0.6B"), null), cluster);

        assertThat(decision.message()).isEqualTo("subdomain \"qwen-qwen3-0-6b\" is already used by LLMModel team-b/other; "
                + "set spec.endpoints.external.subdomain to another DNS label");
        var renamed = withSubdomain("team-a", "qwen", "Qwen/Qwen3-0.6B", "qwen-small");
        assertThat(subdomainRules.decide(new ModelChange(renamed, null), cluster).allowed()).isTrue();
    }

    @Test
    void anUpdateIsNotRejectedBecauseOfTheModelItself() {
        var stored = model("team-a", "qwen", "Qwen/Qwen3-0.6B");
        cluster.models.add(stored);

        var decision = update(stored, model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {size: 2Gi}"));

        assertThat(decision.allowed()).isTrue();
    }

    @Test
    void anUpdateThatKeepsTheIdIsNotCheckedForConflictsOrNamespace() {
        var stored = model("sandbox", "qwen", "Qwen/Qwen3-0.6B");
        cluster.models.add(model("team-b", "older-duplicate", "Qwen/Qwen3-0.6B"));

        var decision = update(stored, model("sandbox", "qwen", "Qwen/Qwen3-0.6B", "storage: {size: 2Gi}"));

        assertThat(decision.allowed()).isTrue();
        assertThat(cluster.lookups).isEmpty();
    }

    static LLMModel withAdapters(String namespace, String name, String id, String... adapters) {
        return modelWithSpec(namespace, name, id, "adapters: [" + String.join(", ",
                java.util.Arrays.stream(adapters).map(adapter -> "{name: " + adapter + "}").toList()) + "]");
    }

    @Test
    void anAdapterIdAnotherModelServesIsRejectedNamingTheAdapterField() {
        cluster.models.add(model("team-b", "their-qwen", "Qwen/Qwen3-0.6B"));

        var decision = create(withAdapters("team-a", "llama", "meta-llama/Llama-3.2-1B", "team-a/sql-lora", "Qwen/Qwen3-0.6B"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).startsWith("spec.adapters[1].name \"Qwen/Qwen3-0.6B\" of LLMModel team-a/llama is already served by "
                + "LLMModel team-b/their-qwen;");
    }

    @Test
    void aModelIdThatIsAnotherModelsAdapterIsRejectedSayingSo() {
        cluster.models.add(withAdapters("team-b", "llama", "meta-llama/Llama-3.2-1B", "team-b/sql-lora"));

        var decision = create(model("team-a", "sql", "team-b/sql-lora"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.message()).startsWith("spec.model.name \"team-b/sql-lora\" of LLMModel team-a/sql is already served by "
                + "LLMModel team-b/llama (as a LoRA adapter);");
    }

    /** Aliases and adapter ids are one pool of ids: an adapter may not take another model's alias, nor the reverse. */
    @Test
    void anAdapterIdThatIsAnotherModelsAliasIsRejectedNamingTheAdapterField() {
        cluster.models.add(model("team-b", "llama", "meta-llama/Llama-3.2-1B", "storage: {size: 1Gi}", "aliases: [chat-default]"));

        var adapterOnTheirAlias = create(withAdapters("team-a", "qwen", "Qwen/Qwen3-0.6B", "team-a/sql-lora", "chat-default"));
        var aliasOnTheirAdapter = new FakeCluster();
        aliasOnTheirAdapter.models.add(withAdapters("team-b", "llama", "meta-llama/Llama-3.2-1B", "team-b/sql-lora"));
        var reverse = rules.decide(new ModelChange(model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {size: 1Gi}",
                "aliases: [team-b/sql-lora]"), null), aliasOnTheirAdapter);

        assertThat(adapterOnTheirAlias.message()).isEqualTo("spec.adapters[1].name \"chat-default\" of LLMModel team-a/qwen is "
                + "already served by LLMModel team-b/llama (as an alias); each model id, alias and adapter id leads to one "
                + "model: change spec.adapters[1].name or the other model");
        assertThat(reverse.message()).startsWith("spec.model.aliases[0] \"team-b/sql-lora\" of LLMModel team-a/qwen is "
                + "already served by LLMModel team-b/llama (as a LoRA adapter);");
    }

    /** A request for an adapter id may land on either revision, so revisions list the same adapter ids. */
    @Test
    void revisionsWithDifferentAdapterIdsAreRejectedButMayPinTheirAdaptersDifferently() {
        cluster.models.add(ModelFixtures.model("team-a", "qwen-blue", "Qwen/Qwen3-0.6B", List.of("storage: {size: 1Gi}"),
                "access: {public: true}\ntraffic: {weight: 90}\nadapters: [{name: team-a/sql-lora, revision: v1}]"));

        var otherIds = create(ModelFixtures.model("team-a", "qwen-green", "Qwen/Qwen3-0.6B", List.of("storage: {size: 1Gi}"),
                "access: {public: true}\ntraffic: {weight: 10}\nadapters: [{name: team-a/legal-lora}]"));
        var otherRevision = create(ModelFixtures.model("team-a", "qwen-green", "Qwen/Qwen3-0.6B", List.of("storage: {size: 1Gi}"),
                "access: {public: true}\ntraffic: {weight: 10}\nadapters: [{name: team-a/sql-lora, revision: v2}]"));

        assertThat(otherIds.message()).contains("differ in spec.adapters[].name;");
        assertThat(otherRevision.allowed()).as(otherRevision.message()).isTrue();
    }

    @Test
    void adaptersOfTheirOwnIdsAreAccepted() {
        cluster.models.add(withAdapters("team-b", "llama", "meta-llama/Llama-3.2-1B", "team-b/sql-lora"));

        var decision = create(withAdapters("team-a", "qwen", "Qwen/Qwen3-0.6B", "team-a/sql-lora"));

        assertThat(decision.allowed()).as(decision.message()).isTrue();
    }

    @Test
    void anUpdateToAnIdAnotherModelServesIsRejected() {
        var stored = model("team-a", "qwen", "Qwen/Qwen3-0.6B");
        cluster.models.add(stored);
        cluster.models.add(model("team-b", "llama", "meta-llama/Llama-3.2-1B"));

        var decision = update(stored, model("team-a", "qwen", "meta-llama/Llama-3.2-1B"));

        assertThat(decision.message()).contains("already served by LLMModel team-b/llama");
    }

    @Test
    void aModelBeingDeletedIsNeverStoppedFromLosingItsFinalizer() {
        var stored = model("sandbox", "qwen", "Qwen/Qwen3-0.6B");
        stored.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        cluster.models.add(model("team-b", "duplicate", "Qwen/Qwen3-0.6B"));

        assertThat(update(stored, stored).allowed()).isTrue();
        assertThat(cluster.lookups).isEmpty();
    }

    @Test
    void emptyDirWithPreloadWarnsThatEveryRestartReDownloads() {
        var decision = create(model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {type: emptyDir}", "preload: true"));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.warnings()).containsExactly("spec.model.storage.type is emptyDir with preload: every restart "
                + "re-downloads the weights; use pvc storage to keep them");
        assertThat(decision.warnings()).allSatisfy(w -> assertThat(w).as("kubectl shows warnings up to 120 characters").hasSizeLessThanOrEqualTo(120));
    }

    @Test
    void emptyDirWithoutPreloadDoesNotWarn() {
        assertThat(create(model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {type: emptyDir}", "preload: false")).warnings()).isEmpty();
    }

    @Test
    void replicasOrAnAutoscalingMaximumAboveOneOnAReadWriteOnceVolumeWarnOfMultiAttach() {
        var replicas = create(modelWithSpec("team-a", "qwen", "Qwen/Qwen3-0.6B", "serving: {replicas: 3}"));
        var autoscaled = create(modelWithSpec("team-a", "qwen", "Qwen/Qwen3-0.6B",
                "serving: {autoscaling: {minReplicas: 1, maxReplicas: 4}}"));

        assertThat(replicas.allowed()).isTrue();
        assertThat(replicas.warnings()).singleElement().asString()
                .startsWith("spec.serving.replicas is 3 but the model volume is a ReadWriteOnce PVC")
                .contains("Multi-Attach error");
        assertThat(autoscaled.warnings()).singleElement().asString()
                .startsWith("spec.serving.autoscaling.maxReplicas is 4 but the model volume is a ReadWriteOnce PVC");
    }

    @Test
    void oneReplicaOrEmptyDirOrReadWriteManyStorageDoesNotWarnOfMultiAttach() {
        var base = ModelFixtures.settings();
        var d = base.defaults();
        var readWriteMany = new AdmissionRules(new PackSettings(base.platform(), base.auth(),
                new PackSettings.Defaults(d.serving(), new PackSettings.Storage("", "ReadWriteMany"), d.monitoring(), d.epp(),
                        d.downloader(), d.hub(), d.proxy(), d.trustedCA(), d.imagePullSecrets()),
                base.apiKeysNamespace(), base.watchNamespaces(), base.keyManager(), base.keys()));

        assertThat(create(modelWithSpec("team-a", "qwen", "Qwen/Qwen3-0.6B", "serving: {replicas: 1}")).warnings()).isEmpty();
        assertThat(create(modelWithSpec("team-a", "qwen", "Qwen/Qwen3-0.6B", "serving: {replicas: 3}",
                "storage: {type: emptyDir}", "preload: false")).warnings()).isEmpty();
        assertThat(readWriteMany.decide(new ModelChange(modelWithSpec("team-a", "qwen", "Qwen/Qwen3-0.6B",
                "serving: {replicas: 3}"), null), cluster).warnings()).isEmpty();
    }

    @Test
    void aMissingAuthSecretWarnsAndAnUnreadableOneSaysItCannotBeChecked() {
        var missing = create(model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {size: 1Gi}", "authSecretName: hf-token"));
        cluster.secrets.put("team-a/hf-token", SecretPresence.FORBIDDEN);
        var forbidden = create(model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {size: 1Gi}", "authSecretName: hf-token"));
        cluster.secrets.put("team-a/hf-token", SecretPresence.PRESENT);
        var present = create(model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {size: 1Gi}", "authSecretName: hf-token"));

        assertThat(missing.allowed()).isTrue();
        assertThat(missing.warnings()).containsExactly(
                "spec.model.authSecretName: Secret team-a/hf-token does not exist; the download fails until it does");
        assertThat(forbidden.allowed()).isTrue();
        assertThat(forbidden.warnings()).containsExactly("spec.model.authSecretName: cannot check that Secret "
                + "team-a/hf-token exists (no permission to read it); make sure it does");
        assertThat(present.warnings()).isEmpty();
    }

    @Test
    void anUpdateThatDoesNotTouchStorageOrTheSecretRepeatsNoWarning() {
        var stored = model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {type: emptyDir}", "authSecretName: hf-token");
        var relabelled = model("team-a", "qwen", "Qwen/Qwen3-0.6B", "storage: {type: emptyDir}", "authSecretName: hf-token");
        relabelled.getMetadata().setLabels(Map.of("team", "a"));

        assertThat(update(stored, relabelled).warnings()).isEmpty();
    }
}
