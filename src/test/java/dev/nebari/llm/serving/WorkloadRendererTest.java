package dev.nebari.llm.serving;

import static dev.nebari.llm.model.ModelFixtures.parse;
import static dev.nebari.llm.model.ModelFixtures.referenceModel;
import static dev.nebari.llm.model.ModelFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelFixtures;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ObjectTree;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WorkloadRendererTest {

    static Deployment deployment(LLMModel model) {
        return ModelServerDeploymentRenderer.render(model, settings());
    }

    static PodSpec pod(LLMModel model) {
        return deployment(model).getSpec().getTemplate().getSpec();
    }

    static Container vllm(LLMModel model) {
        return pod(model).getContainers().getFirst();
    }

    static LLMModel model(String specYaml) {
        return parse("""
                apiVersion: llm.nebari.dev/v1alpha1
                kind: LLMModel
                metadata: {name: m, namespace: ns}
                spec:
                """ + specYaml.indent(2));
    }

    static final String MINIMAL = """
            model: {name: org/model, storage: {size: 10Gi}}
            access: {public: true}
            """;

    @Nested
    class Deployment_ {

        @Test
        void passesTheModelIdAsServedModelNameSoClientsCanCallIt() {
            assertThat(vllm(referenceModel()).getArgs()).containsSubsequence("--served-model-name", "Qwen/Qwen3-0.6B");
        }

        @Test
        void buildsTheVllmArgumentsInOrderWithUserArgumentsLast() {
            assertThat(vllm(referenceModel()).getArgs()).containsExactly(
                    "--model", "/model-cache",
                    "--served-model-name", "Qwen/Qwen3-0.6B",
                    "--tensor-parallel-size", "2",
                    "--data-parallel-size", "1",
                    "--port", "8000",
                    "--max-model-len", "8192",
                    "--enable-prefix-caching");
        }

        @Test
        void defaultsTensorParallelismToOneWithoutGpus() {
            assertThat(vllm(model(MINIMAL)).getArgs()).containsSubsequence("--tensor-parallel-size", "1");
        }

        @Test
        void usesTheDefaultCommandAndPackImageUnlessOverridden() {
            assertThat(vllm(model(MINIMAL)).getCommand()).containsExactly("python3", "-m", "vllm.entrypoints.openai.api_server");
            assertThat(vllm(model(MINIMAL)).getImage()).isEqualTo("llm-d-cuda:v0.6.0");
            var custom = model(MINIMAL + "serving: {image: my-vllm:1, command: [vllm, serve]}\n");
            assertThat(vllm(custom).getCommand()).containsExactly("vllm", "serve");
            assertThat(vllm(custom).getImage()).isEqualTo("my-vllm:1");
        }

        @Test
        void letsTheNonRootDownloaderWriteTheVolume() {
            var security = pod(model(MINIMAL)).getSecurityContext();
            assertThat(security.getFsGroup()).isEqualTo(65532L);
            assertThat(security.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
        }

        @Test
        void recreatesByDefaultAndRollsWhenAsked() {
            assertThat(deployment(model(MINIMAL)).getSpec().getStrategy().getType()).isEqualTo("Recreate");
            assertThat(deployment(model(MINIMAL + "serving: {updateStrategy: RollingUpdate}\n")).getSpec().getStrategy().getType())
                    .isEqualTo("RollingUpdate");
        }

        @Test
        void exposesPortHttp8000() {
            assertThat(vllm(model(MINIMAL)).getPorts()).singleElement()
                    .satisfies(port -> {
                        assertThat(port.getName()).isEqualTo("http");
                        assertThat(port.getContainerPort()).isEqualTo(8000);
                    });
        }

        @Test
        void requestsAndLimitsGpusNextToTheUsersResources() {
            var resources = vllm(referenceModel()).getResources();
            assertThat(resources.getLimits()).containsEntry("nvidia.com/gpu", new Quantity("2")).containsEntry("memory", new Quantity("48Gi"));
            assertThat(resources.getRequests()).containsEntry("nvidia.com/gpu", new Quantity("2")).containsEntry("cpu", new Quantity("4"));
        }

        @Test
        void requestsNoGpuWhenCountIsZero() {
            var resources = vllm(model(MINIMAL)).getResources();
            assertThat(resources.getLimits()).isNull();
            assertThat(resources.getRequests()).isNull();
        }

        @Test
        void toleratesTheGpuTaintWhenGpusAreRequested() {
            assertThat(pod(referenceModel()).getTolerations()).singleElement().satisfies(t -> {
                assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
                assertThat(t.getOperator()).isEqualTo("Exists");
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
        }

        @Test
        void doesNotDuplicateAGpuTolerationTheUserAlreadyHas() {
            var model = model(MINIMAL + """
                    resources: {gpu: {count: 1}}
                    advanced: {vllm: {tolerations: [{key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule}]}}
                    """);
            assertThat(pod(model).getTolerations()).extracting(Toleration::getValue).containsExactly("present");
        }

        @Test
        void addsNoGpuTolerationWithoutGpus() {
            assertThat(pod(model(MINIMAL)).getTolerations()).isEmpty();
        }

        @Test
        void mountsTheModelVolumeAndAMemoryBackedShm() {
            assertThat(vllm(model(MINIMAL)).getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                    .containsExactly("model-storage:/model-cache", "shm:/dev/shm");
            var shm = pod(model(MINIMAL)).getVolumes().stream().filter(v -> v.getName().equals("shm")).findFirst().orElseThrow();
            assertThat(shm.getEmptyDir().getMedium()).isEqualTo("Memory");
        }

        @Test
        void allowsAnHourToStartAndProbesVllmEndpoints() {
            var container = vllm(model(MINIMAL));
            var startup = container.getStartupProbe();
            assertThat(startup.getHttpGet().getPath()).isEqualTo("/v1/models");
            assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(60 * 60);
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v1/models");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        }

        @Test
        void selectsOnlyModelServerPods() {
            var names = new ModelObjects("m", "ns");
            assertThat(deployment(model(MINIMAL)).getSpec().getSelector().getMatchLabels())
                    .isEqualTo(names.modelServerPods())
                    .isNotEqualTo(names.endpointPickerPods());
        }

        @Test
        void carriesPlacementFromAdvancedSettings() {
            var model = model(MINIMAL + "advanced: {vllm: {nodeSelector: {gpu: a100}, extraEnv: [{name: VLLM_LOGGING_LEVEL, value: DEBUG}]}}\n");
            assertThat(pod(model).getNodeSelector()).containsEntry("gpu", "a100");
            assertThat(vllm(model).getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("VLLM_LOGGING_LEVEL"));
        }
    }

    @Nested
    class Weights {

        @Test
        void downloadsHuggingFaceWeightsInAnInitContainer() {
            var init = pod(referenceModel()).getInitContainers();
            assertThat(init).singleElement().satisfies(c -> {
                assertThat(c.getName()).isEqualTo("model-downloader");
                assertThat(c.getImage()).isEqualTo("nebari-llm-downloader:0.1.0");
                assertThat(c.getArgs()).containsExactly("--repo", "Qwen/Qwen3-0.6B", "--revision", "main", "--target", "/model-cache");
                assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
                assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            });
        }

        @Test
        void passesTheHuggingFaceTokenFromTheAuthSecret() {
            var downloader = pod(referenceModel()).getInitContainers().getFirst();
            assertThat(downloader.getEnv()).singleElement().satisfies(env -> {
                assertThat(env.getName()).isEqualTo("HF_TOKEN");
                assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf-token");
                assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("HF_TOKEN");
            });
        }

        @Test
        void omitsTheRevisionWhenNoneIsPinned() {
            assertThat(pod(model(MINIMAL)).getInitContainers().getFirst().getArgs()).doesNotContain("--revision");
        }

        @Test
        void letsVllmDownloadWhenPreloadIsOff() {
            var noPreload = model("""
                    model: {name: org/model, preload: false, storage: {size: 10Gi}}
                    access: {public: true}
                    """);
            assertThat(pod(noPreload).getInitContainers()).isEmpty();
            assertThat(vllm(noPreload).getArgs()).containsSubsequence("--model", "org/model");
            assertThat(vllm(noPreload).getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("HF_HOME"));
        }

        @Test
        void copiesOciWeightsIntoAnEmptyDir() {
            var oci = model("""
                    model: {name: org/model, source: oci, image: weights:1}
                    access: {public: true}
                    """);
            assertThat(pod(oci).getInitContainers()).singleElement().satisfies(c -> {
                assertThat(c.getImage()).isEqualTo("weights:1");
                assertThat(c.getCommand()).containsExactly("cp", "-a", "/models/.", "/model-cache/");
            });
            assertThat(pod(oci).getVolumes().getFirst().getEmptyDir()).isNotNull();
            assertThat(WorkloadRenderer.modelStorage(oci, settings())).isEmpty();
        }

        @Test
        void changesTheIdentityHashWhenTheRevisionChanges() {
            var before = ModelIdentity.hash(referenceModel().getSpec().model());
            var moved = ModelFixtures.withSpec(referenceModel(), spec -> new dev.nebari.llm.model.LLMModelSpec(
                    new dev.nebari.llm.model.ModelSpec(spec.model().name(), spec.model().source(), "v2", spec.model().authSecretName(),
                            spec.model().image(), spec.model().storage(), spec.model().preload()),
                    spec.resources(), spec.serving(), spec.access(), spec.endpoints(), spec.limits(), spec.advanced()));
            var after = deployment(moved).getSpec().getTemplate().getMetadata().getAnnotations().get(ModelObjects.MODEL_IDENTITY_ANNOTATION);
            assertThat(after).isNotEqualTo(before).hasSize(16);
        }

        @Test
        void keepsTheIdentityHashWhenOnlyServingSettingsChange() {
            var base = deployment(model(MINIMAL)).getSpec().getTemplate().getMetadata().getAnnotations();
            var tuned = deployment(model(MINIMAL + "serving: {vllmArgs: [--max-num-seqs, '8']}\n")).getSpec().getTemplate().getMetadata().getAnnotations();
            assertThat(tuned).isEqualTo(base);
        }
    }

    @Nested
    class Storage {

        @Test
        void claimsTheModelStorageWithThePackAccessMode() {
            var pvc = WorkloadRenderer.modelStorage(referenceModel(), settings()).orElseThrow();
            assertThat(pvc.getMetadata().getName()).isEqualTo("qwen3-model-storage");
            assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
        }

        @Test
        void omitsTheStorageClassWhenNeitherSpecNorPackSetsOne() {
            assertThat(WorkloadRenderer.modelStorage(referenceModel(), settings()).orElseThrow().getSpec().getStorageClassName()).isNull();
        }

        @Test
        void prefersTheSpecStorageClassOverThePackDefault() {
            var pack = withStorageClass(settings(), "standard");
            assertThat(WorkloadRenderer.modelStorage(referenceModel(), pack).orElseThrow().getSpec().getStorageClassName()).isEqualTo("standard");
            var model = model("""
                    model: {name: org/model, storage: {size: 1Gi, storageClassName: fast}}
                    access: {public: true}
                    """);
            assertThat(WorkloadRenderer.modelStorage(model, pack).orElseThrow().getSpec().getStorageClassName()).isEqualTo("fast");
        }

        @Test
        void usesNoClaimForEmptyDirStorage() {
            var model = model("""
                    model: {name: org/model, storage: {type: emptyDir, size: 5Gi}}
                    access: {public: true}
                    """);
            assertThat(WorkloadRenderer.modelStorage(model, settings())).isEmpty();
            assertThat(pod(model).getVolumes().getFirst().getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("5Gi"));
        }

        static PackSettings withStorageClass(PackSettings s, String storageClass) {
            var d = s.defaults();
            return new PackSettings(s.platform(), s.auth(),
                    new PackSettings.Defaults(d.serving(), new PackSettings.Storage(storageClass, d.storage().accessMode()), d.monitoring(), d.epp(), d.downloader()),
                    s.apiKeysNamespace(), s.watchNamespaces(), s.keyManager(), s.keys());
        }
    }

    @Nested
    class ServiceAndPolicies {

        @Test
        void servesPort8000OnlyFromModelServerPods() {
            var service = WorkloadRenderer.service(referenceModel());
            assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
            assertThat(service.getSpec().getSelector()).isEqualTo(new ModelObjects("qwen3", "team-a").modelServerPods());
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getPort()).isEqualTo(8000);
            });
        }

        @Test
        void admitsOnlyGatewaysPickerAndMonitoring() {
            var tree = ObjectTree.of(WorkloadRenderer.networkPolicy(referenceModel(), settings()));
            assertThat(tree.list("spec.policyTypes")).containsExactly("Ingress");
            assertThat(tree.list("spec.ingress")).hasSize(1);
            assertThat(tree.at("spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values")).isEqualTo(List.of("envoy-gateway-system"));
            assertThat(tree.at("spec.ingress[0].from[1].podSelector.matchLabels")).isEqualTo(new ModelObjects("qwen3", "team-a").endpointPickerPods());
            assertThat(tree.at("spec.ingress[0].from[2].namespaceSelector.matchExpressions[0].values")).isEqualTo(List.of("monitoring"));
            assertThat(tree.at("spec.podSelector.matchLabels")).isEqualTo(new ModelObjects("qwen3", "team-a").modelServerPods());
        }

        @Test
        void scrapesMetricsOnPortHttpWhenMonitoringIsOn() {
            var tree = ObjectTree.of(WorkloadRenderer.podMonitor(referenceModel(), settings()).orElseThrow());
            assertThat(tree.at("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
            assertThat(tree.at("spec.podMetricsEndpoints[0]")).isEqualTo(Map.of("port", "http", "path", "/metrics"));
            assertThat(tree.at("spec.selector.matchLabels")).isEqualTo(new ModelObjects("qwen3", "team-a").modelServerPods());
        }

        @Test
        void rendersNoPodMonitorWhenTheSpecTurnsMonitoringOff() {
            assertThat(WorkloadRenderer.podMonitor(model(MINIMAL + "serving: {monitoring: {enabled: false}}\n"), settings())).isEmpty();
        }

        @Test
        void givesVllmNoServiceAccountToken() {
            assertThat(WorkloadRenderer.serviceAccount(referenceModel()).getAutomountServiceAccountToken()).isFalse();
        }
    }
}
