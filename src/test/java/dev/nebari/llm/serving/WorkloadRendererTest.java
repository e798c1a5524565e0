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
import io.fabric8.kubernetes.api.model.LocalObjectReference;
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
        void pullsWithThePacksSecretsThenTheModelsOwnEachOnce() {
            var model = model(MINIMAL + "serving: {imagePullSecrets: [team-registry, corp-registry]}\n");
            var settings = ModelFixtures.withImagePullSecrets(settings(), List.of("corp-registry"));

            assertThat(ModelServerDeploymentRenderer.render(model, settings).getSpec().getTemplate().getSpec().getImagePullSecrets())
                    .extracting(LocalObjectReference::getName).containsExactly("corp-registry", "team-registry");
            assertThat(pod(model(MINIMAL)).getImagePullSecrets()).as("none configured: no field").isNullOrEmpty();
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
                            spec.model().image(), spec.model().storage(), spec.model().preload(), spec.model().hubEndpoint()),
                    spec.resources(), spec.serving(), spec.access(), spec.endpoints(), spec.limits(), spec.advanced(), spec.traffic(), spec.adapters()));
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

    /** Mirrored and air-gapped clusters: the Hub endpoint, the proxy and private CAs reach the model pods. */
    @Nested
    class HubMirrorProxyAndTrustedCa {

        static final String BUNDLE = "-----BEGIN CERTIFICATE-----\nMIIBcorpCA\n-----END CERTIFICATE-----";
        static final PackSettings.Proxy PROXY = new PackSettings.Proxy("http://proxy.corp:3128", "http://proxy.corp:3128",
                ".svc,.cluster.local,10.0.0.0/8");

        static PackSettings pack(String hubEndpoint, PackSettings.Proxy proxy, PackSettings.TrustedCA trustedCA) {
            var s = settings();
            var d = s.defaults();
            return new PackSettings(s.platform(), s.auth(),
                    new PackSettings.Defaults(d.serving(), d.storage(), d.monitoring(), d.epp(), d.downloader(),
                            new PackSettings.Hub(hubEndpoint), proxy, trustedCA, d.imagePullSecrets()),
                    s.apiKeysNamespace(), s.watchNamespaces(), s.keyManager(), s.keys());
        }

        static final PackSettings AIR_GAPPED = pack("https://hf-mirror.corp", PROXY, new PackSettings.TrustedCA(BUNDLE, "", "ca.crt"));

        static PodSpec pod(LLMModel model, PackSettings settings) {
            return ModelServerDeploymentRenderer.render(model, settings).getSpec().getTemplate().getSpec();
        }

        static Map<String, String> env(Container container) {
            var env = new java.util.LinkedHashMap<String, String>();
            container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
            return env;
        }

        @Test
        void givesTheDownloaderThePacksMirrorProxyInBothSpellingsAndCaFile() {
            var downloader = pod(referenceModel(), AIR_GAPPED).getInitContainers().getFirst();

            assertThat(env(downloader)).containsEntry("HF_ENDPOINT", "https://hf-mirror.corp")
                    .containsEntry("HTTP_PROXY", "http://proxy.corp:3128").containsEntry("http_proxy", "http://proxy.corp:3128")
                    .containsEntry("HTTPS_PROXY", "http://proxy.corp:3128").containsEntry("https_proxy", "http://proxy.corp:3128")
                    .containsEntry("NO_PROXY", ".svc,.cluster.local,10.0.0.0/8").containsEntry("no_proxy", ".svc,.cluster.local,10.0.0.0/8")
                    .containsEntry("SSL_CERT_FILE", "/etc/nebari-llm/trusted-ca/ca.crt")
                    .containsEntry("REQUESTS_CA_BUNDLE", "/etc/nebari-llm/trusted-ca/ca.crt")
                    .containsKey("HF_TOKEN");
            assertThat(downloader.getVolumeMounts()).anySatisfy(mount -> {
                assertThat(mount.getName()).isEqualTo("trusted-ca");
                assertThat(mount.getMountPath()).isEqualTo("/etc/nebari-llm/trusted-ca");
                assertThat(mount.getReadOnly()).isTrue();
                assertThat(mount.getSubPath()).as("no subPath: the kubelet keeps the file current").isNull();
            });
        }

        @Test
        void mountsTheBundleTheOperatorCopiesBesideTheModel() {
            assertThat(pod(referenceModel(), AIR_GAPPED).getVolumes()).filteredOn(v -> v.getName().equals("trusted-ca")).singleElement().satisfies(volume -> {
                assertThat(volume.getConfigMap().getName()).isEqualTo("qwen3-trusted-ca");
                assertThat(volume.getConfigMap().getItems()).singleElement().satisfies(item -> {
                    assertThat(item.getKey()).isEqualTo("ca.crt");
                    assertThat(item.getPath()).isEqualTo("ca.crt");
                });
            });
            var objects = WorkloadRenderer.render(referenceModel(), AIR_GAPPED);
            assertThat(objects).filteredOn(o -> o.getKind().equals("ConfigMap")).singleElement().satisfies(o -> {
                var configMap = (io.fabric8.kubernetes.api.model.ConfigMap) o;
                assertThat(configMap.getMetadata().getName()).isEqualTo("qwen3-trusted-ca");
                assertThat(configMap.getMetadata().getNamespace()).isEqualTo("team-a");
                assertThat(configMap.getMetadata().getLabels()).containsEntry(ModelObjects.MODEL, "qwen3");
                assertThat(configMap.getData()).containsExactly(Map.entry("ca.crt", BUNDLE + "\n"));
            });
            assertThat(objects.stream().map(o -> o.getKind()).toList()).as("the ConfigMap exists before the pods that mount it")
                    .containsSubsequence("ConfigMap", "Deployment");
        }

        @Test
        void mountsTheAdminsOwnConfigMapByNameAndKeyAndRendersNone() {
            var pack = pack("", PROXY, new PackSettings.TrustedCA("", "corp-ca-bundle", "bundle.pem"));

            assertThat(pod(referenceModel(), pack).getVolumes()).filteredOn(v -> v.getName().equals("trusted-ca")).singleElement().satisfies(volume -> {
                assertThat(volume.getConfigMap().getName()).isEqualTo("corp-ca-bundle");
                assertThat(volume.getConfigMap().getItems()).singleElement().satisfies(item -> {
                    assertThat(item.getKey()).isEqualTo("bundle.pem");
                    assertThat(item.getPath()).isEqualTo("ca.crt");
                });
            });
            assertThat(env(pod(referenceModel(), pack).getInitContainers().getFirst()))
                    .containsEntry("SSL_CERT_FILE", "/etc/nebari-llm/trusted-ca/ca.crt").doesNotContainKey("HF_ENDPOINT");
            assertThat(WorkloadRenderer.render(referenceModel(), pack)).noneMatch(o -> o.getKind().equals("ConfigMap"));
        }

        @Test
        void aModelsOwnHubEndpointWinsOverThePacks() {
            var mirrored = model(MINIMAL.replace("model: {name: org/model,", "model: {name: org/model, hubEndpoint: 'http://hf.mirrors.svc:8080/hf',"));

            assertThat(env(pod(mirrored, AIR_GAPPED).getInitContainers().getFirst()))
                    .containsEntry("HF_ENDPOINT", "http://hf.mirrors.svc:8080/hf");
            assertThat(env(pod(mirrored, settings()).getInitContainers().getFirst()))
                    .containsEntry("HF_ENDPOINT", "http://hf.mirrors.svc:8080/hf");
        }

        @Test
        void givesVllmTheProxyAndCaAndTheMirrorOnlyWhenItDownloadsItself() {
            var preloaded = vllmOf(model(MINIMAL));
            assertThat(env(preloaded)).containsEntry("HTTPS_PROXY", "http://proxy.corp:3128")
                    .containsEntry("SSL_CERT_FILE", "/etc/nebari-llm/trusted-ca/ca.crt").doesNotContainKey("HF_ENDPOINT");
            assertThat(preloaded.getVolumeMounts()).extracting(m -> m.getName()).contains("trusted-ca");

            var downloading = vllmOf(model("""
                    model: {name: org/model, preload: false, storage: {size: 10Gi}}
                    access: {public: true}
                    """));
            assertThat(env(downloading)).containsEntry("HF_ENDPOINT", "https://hf-mirror.corp").containsEntry("HF_HOME", "/model-cache")
                    .containsEntry("https_proxy", "http://proxy.corp:3128");
        }

        @Test
        void letsTheModelsOwnVariablesOverrideThePacks() {
            var custom = vllmOf(model(MINIMAL + "advanced: {vllm: {extraEnv: [{name: NO_PROXY, value: '*'}]}}\n"));

            assertThat(custom.getEnv()).extracting(e -> e.getName()).endsWith("NO_PROXY");
            assertThat(custom.getEnv().getLast().getValue()).isEqualTo("*");
        }

        @Test
        void givesAnOciModelTheProxyButNoHubEndpoint() {
            var oci = model("""
                    model: {name: org/model, source: oci, image: weights:1}
                    access: {public: true}
                    """);
            var pod = pod(oci, AIR_GAPPED);
            assertThat(pod.getInitContainers().getFirst().getEnv()).isEmpty();
            assertThat(env(pod.getContainers().getFirst())).containsKey("HTTPS_PROXY").doesNotContainKey("HF_ENDPOINT");
        }

        @Test
        void addsNothingWhenThePackSetsNoneOfIt() {
            var pod = pod(referenceModel(), settings());
            assertThat(pod.getInitContainers().getFirst().getEnv()).extracting(e -> e.getName()).containsExactly("HF_TOKEN");
            assertThat(pod.getContainers().getFirst().getEnv()).isEmpty();
            assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("model-storage", "shm");
            assertThat(WorkloadRenderer.render(referenceModel(), settings())).noneMatch(o -> o.getKind().equals("ConfigMap"));
        }

        static Container vllmOf(LLMModel model) {
            return pod(model, AIR_GAPPED).getContainers().getFirst();
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
                    new PackSettings.Defaults(d.serving(), new PackSettings.Storage(storageClass, d.storage().accessMode()), d.monitoring(), d.epp(), d.downloader(),
                            d.hub(), d.proxy(), d.trustedCA(), d.imagePullSecrets()),
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

    @Nested
    class Autoscaling {

        static final String AUTOSCALED = MINIMAL + "serving: {replicas: 2, autoscaling: {minReplicas: 1, maxReplicas: 4}}\n";

        @Test
        void rendersNoHpaWithoutSpecServingAutoscaling() {
            assertThat(AutoscalerRenderer.render(model(MINIMAL))).isEmpty();
            assertThat(WorkloadRenderer.render(model(MINIMAL), settings())).noneMatch(o -> o.getKind().equals("HorizontalPodAutoscaler"));
        }

        @Test
        void theHpaScalesTheLlmModelNotTheDeploymentSoOnlyOneWriterSetsTheDeploymentsReplicas() {
            var tree = ObjectTree.of(AutoscalerRenderer.render(model(AUTOSCALED)).orElseThrow());
            assertThat(tree.at("apiVersion")).isEqualTo("autoscaling/v2");
            assertThat(tree.at("spec.scaleTargetRef")).isEqualTo(Map.of("apiVersion", "llm.nebari.dev/v1alpha1",
                    "kind", "LLMModel", "name", "m"));
            assertThat(tree.at("spec.minReplicas")).isEqualTo(1);
            assertThat(tree.at("spec.maxReplicas")).isEqualTo(4);
            // the Deployment keeps following spec.serving.replicas, which the HPA changes through /scale
            assertThat(deployment(model(AUTOSCALED)).getSpec().getReplicas()).isEqualTo(2);
        }

        @Test
        void averagesVllmsQueueDepthPerPodByDefaultAndWaitsFiveMinutesBeforeScalingDown() {
            var tree = ObjectTree.of(AutoscalerRenderer.render(model(AUTOSCALED)).orElseThrow());
            assertThat(tree.at("spec.metrics[0].type")).isEqualTo("Pods");
            assertThat(tree.at("spec.metrics[0].pods.metric.name")).isEqualTo("vllm:num_requests_waiting");
            assertThat(tree.at("spec.metrics[0].pods.target")).isEqualTo(Map.of("type", "AverageValue", "averageValue", "5"));
            assertThat(tree.at("spec.behavior.scaleDown.stabilizationWindowSeconds")).isEqualTo(300);
        }

        @Test
        void takesTheMetricTargetAndStabilisationFromTheSpec() {
            var tree = ObjectTree.of(AutoscalerRenderer.render(model(MINIMAL + """
                    serving:
                      autoscaling: {minReplicas: 2, maxReplicas: 3, metric: "vllm:kv_cache_usage_perc",
                                    targetAverageValue: 800m, scaleDownStabilizationSeconds: 60}
                    """)).orElseThrow());
            assertThat(tree.at("spec.metrics[0].pods.metric.name")).isEqualTo("vllm:kv_cache_usage_perc");
            assertThat(tree.at("spec.metrics[0].pods.target.averageValue")).isEqualTo("800m");
            assertThat(tree.at("spec.behavior.scaleDown.stabilizationWindowSeconds")).isEqualTo(60);
        }
    }
}
