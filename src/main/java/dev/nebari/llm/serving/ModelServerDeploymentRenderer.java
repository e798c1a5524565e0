package dev.nebari.llm.serving;

import static dev.nebari.llm.serving.ServingFacts.*;

import dev.nebari.llm.model.AdapterSpec;
import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.ModelObjects;
import dev.nebari.llm.model.ModelSource;
import dev.nebari.llm.model.UpdateStrategy;
import dev.nebari.llm.platform.PackSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The vLLM Deployment {@code <m>}: one {@code vllm} container, an init container that puts the weights on the
 * model volume (the downloader for Hugging Face models, a copy for OCI images), and the pod settings vLLM needs
 * (fsGroup for the non-root downloader, GPUs and their toleration, /dev/shm, probes).
 */
public final class ModelServerDeploymentRenderer {

    /**
     * A container that exits with an error and writes no termination message (vLLM, cp) still gets one: the end of
     * its log, which Kubernetes puts into the pod's status and we into the model's conditions.
     */
    private static final String LOG_TAIL_ON_ERROR = "FallbackToLogsOnError";

    private ModelServerDeploymentRenderer() {
    }

    public static Deployment render(LLMModel model, PackSettings settings) {
        var names = ModelObjects.of(model);
        var spec = model.getSpec();
        var labels = names.labels(ModelObjects.Component.MODEL_SERVER);
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(names.workload())
                    .withNamespace(names.namespace())
                    .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                    .withReplicas(spec.serving().replicas())
                    .withNewSelector().withMatchLabels(names.modelServerPods()).endSelector()
                    .withNewStrategy()
                        // Recreate by default: a GPU node rarely has room for a surge pod next to the old one.
                        .withType(spec.serving().updateStrategy() == UpdateStrategy.ROLLING_UPDATE ? "RollingUpdate" : "Recreate")
                    .endStrategy()
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(labels)
                            .withAnnotations(Map.of(ModelObjects.MODEL_IDENTITY_ANNOTATION, ModelIdentity.hash(spec.model())))
                        .endMetadata()
                        .withNewSpec()
                            .withServiceAccountName(names.workload())
                            .withImagePullSecrets(settings.defaults().imagePullSecretsWith(spec.serving().imagePullSecrets()))
                            .withNewSecurityContext()
                                .withFsGroup(FS_GROUP)
                                .withFsGroupChangePolicy("OnRootMismatch")
                            .endSecurityContext()
                            .withInitContainers(initContainers(model, settings))
                            .withContainers(vllm(model, settings))
                            .withVolumes(volumes(model, settings))
                            .withTolerations(tolerations(model))
                            .withNodeSelector(spec.advanced().vllm().nodeSelector().isEmpty() ? null : spec.advanced().vllm().nodeSelector())
                            .withAffinity(spec.advanced().vllm().affinity())
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** Whether the weights are fetched before vLLM starts (otherwise vLLM downloads them itself). */
    static boolean preloads(LLMModel model) {
        var spec = model.getSpec().model();
        return spec.source() == ModelSource.OCI || spec.preload();
    }

    /** One init container that puts weights on the volume: what it does, before it gets its image's settings. */
    private sealed interface WeightStep {
        String container();

        /** Copies an image's {@code /models} into the volume (at {@code mount}). */
        record Copy(String container, String image, VolumeMount mount) implements WeightStep {
        }

        /** Runs the downloader over one or more repositories, one after the other. */
        record Download(List<String> args) implements WeightStep {
            @Override
            public String container() {
                return DOWNLOADER_CONTAINER;
            }
        }
    }

    /**
     * What puts the weights on the volume, in order: the copy of an OCI model, one downloader for the Hugging Face
     * model (with preload) and every Hugging Face adapter, one after the other, and a copy per OCI adapter.
     */
    private static List<WeightStep> weightSteps(LLMModel model) {
        var spec = model.getSpec().model();
        var steps = new ArrayList<WeightStep>();
        if (spec.source() == ModelSource.OCI) {
            steps.add(new WeightStep.Copy(OCI_COPY_CONTAINER, spec.image(), modelMount()));
        }
        var downloads = new ArrayList<String>();
        if (spec.source() == ModelSource.HUGGINGFACE && spec.preload()) {
            downloads.addAll(download(spec.name(), spec.revision(), MODEL_DIR));
        }
        var adapters = model.getSpec().adapters();
        for (var adapter : adapters) {
            if (adapter.source() == ModelSource.HUGGINGFACE) {
                downloads.addAll(download(adapter.effectiveRepo(), adapter.revision(), adapterDir(adapter)));
            }
        }
        if (!downloads.isEmpty()) {
            steps.add(new WeightStep.Download(downloads));
        }
        for (int i = 0; i < adapters.size(); i++) {
            var adapter = adapters.get(i);
            if (adapter.source() == ModelSource.OCI) {
                // The volume's adapters/<name> mounted where the copy writes: the kubelet creates the directory.
                var mount = new VolumeMountBuilder().withName(MODEL_VOLUME).withMountPath(MODEL_DIR)
                        .withSubPath(ADAPTERS_SUBDIR + "/" + adapter.name()).build();
                steps.add(new WeightStep.Copy(ADAPTER_COPY_CONTAINER_PREFIX + i, adapter.image(), mount));
            }
        }
        return steps;
    }

    private static List<Container> initContainers(LLMModel model, PackSettings settings) {
        return weightSteps(model).stream().map(step -> switch (step) {
            case WeightStep.Copy copy -> copy(copy.container(), copy.image(), copy.mount());
            case WeightStep.Download download -> downloader(model, settings, download.args());
        }).toList();
    }

    /** The init containers that put weights on the volume, by name, in the order they run (for the status). */
    public static List<String> weightContainers(LLMModel model) {
        return weightSteps(model).stream().map(WeightStep::container).toList();
    }

    /** Copies an image's {@code /models} into {@code mount}; cp -a keeps file modes, "/." takes hidden files too. */
    private static Container copy(String name, String image, VolumeMount mount) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withCommand("cp", "-a", OCI_MODEL_DIR + "/.", MODEL_DIR + "/")
                .withTerminationMessagePolicy(LOG_TAIL_ON_ERROR)
                .withVolumeMounts(mount)
                .withResources(initResources())
                .withSecurityContext(restricted())
                .build();
    }

    private static List<String> download(String repo, @Nullable String revision, String target) {
        var args = new ArrayList<>(List.of("--repo", repo));
        if (revision != null) {
            args.addAll(List.of("--revision", revision));
        }
        args.addAll(List.of("--target", target));
        return args;
    }

    private static Container downloader(LLMModel model, PackSettings settings, List<String> args) {
        var env = new ArrayList<>(hfToken(model));
        env.addAll(HubAccess.endpointEnv(model, settings));
        env.addAll(HubAccess.networkEnv(settings));
        var mounts = new ArrayList<>(List.of(modelMount()));
        HubAccess.trustedCaMount(settings).ifPresent(mounts::add);
        return new ContainerBuilder()
                .withName(DOWNLOADER_CONTAINER)
                .withImage(settings.defaults().downloader().image())
                .withArgs(args)
                .withEnv(env)
                .withTerminationMessagePolicy(LOG_TAIL_ON_ERROR)
                .withVolumeMounts(mounts)
                .withResources(initResources())
                .withSecurityContext(restricted())
                .build();
    }

    static String adapterDir(AdapterSpec adapter) {
        return MODEL_DIR + "/" + ADAPTERS_SUBDIR + "/" + adapter.name();
    }

    /**
     * vLLM's LoRA flags: each adapter served as its own model id ({@code --lora-modules name=path}, vLLM then lists
     * it in /v1/models and answers requests that name it).
     */
    private static List<String> loraArgs(LLMModel model) {
        var adapters = model.getSpec().adapters();
        if (adapters.isEmpty()) {
            return List.of();
        }
        var args = new ArrayList<>(List.of("--enable-lora",
                "--max-loras", Integer.toString(Math.min(adapters.size(), MAX_LORAS_PER_BATCH)),
                "--max-cpu-loras", Integer.toString(adapters.size()),
                "--lora-modules"));
        adapters.forEach(adapter -> args.add(adapter.name() + "=" + adapterDir(adapter)));
        return args;
    }

    private static Container vllm(LLMModel model, PackSettings settings) {
        var spec = model.getSpec();
        var serving = spec.serving();
        var image = serving.image() != null ? serving.image() : settings.defaults().serving().image();
        var args = new ArrayList<String>();
        var env = new ArrayList<EnvVar>();
        if (preloads(model)) {
            args.addAll(List.of("--model", MODEL_DIR));
        } else {
            // No init container: vLLM fetches the weights itself into the model volume (Hugging Face cache layout).
            args.addAll(List.of("--model", spec.model().name()));
            if (spec.model().revision() != null) {
                args.addAll(List.of("--revision", spec.model().revision()));
            }
            env.add(new EnvVarBuilder().withName("HF_HOME").withValue(MODEL_DIR).build());
            env.addAll(hfToken(model));
            env.addAll(HubAccess.endpointEnv(model, settings));
        }
        env.addAll(HubAccess.networkEnv(settings));
        // Without --served-model-name vLLM answers to "/model-cache", and the gateway's model id never matches. The
        // gateway passes an alias on unchanged (no name override for pools), so vLLM answers to every id; it names
        // the first one in its answers.
        args.add("--served-model-name");
        args.addAll(spec.model().ids());
        args.addAll(List.of(
                "--tensor-parallel-size", Integer.toString(tensorParallelism(model)),
                "--data-parallel-size", Integer.toString(serving.dataParallelism()),
                "--port", Integer.toString(PORT)));
        args.addAll(loraArgs(model));
        args.addAll(serving.vllmArgs());
        args.addAll(spec.advanced().vllm().extraArgs());
        // Last, so that the model's own variables win over the pack's (the last of duplicate names counts).
        env.addAll(spec.advanced().vllm().extraEnv());
        var mounts = new ArrayList<>(List.of(modelMount(), new VolumeMountBuilder().withName(SHM_VOLUME).withMountPath(SHM_DIR).build()));
        HubAccess.trustedCaMount(settings).ifPresent(mounts::add);
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withCommand(serving.command().isEmpty() ? DEFAULT_COMMAND : serving.command())
                .withArgs(args)
                .withEnv(env)
                .withTerminationMessagePolicy(LOG_TAIL_ON_ERROR)
                .addNewPort().withName(PORT_NAME).withContainerPort(PORT).withProtocol("TCP").endPort()
                .withResources(vllmResources(model))
                .withVolumeMounts(mounts)
                .withStartupProbe(httpProbe(MODELS_PATH, STARTUP_PERIOD_SECONDS, STARTUP_FAILURE_THRESHOLD))
                .withReadinessProbe(httpProbe(MODELS_PATH, 10, 3))
                .withLivenessProbe(httpProbe(HEALTH_PATH, 10, 3))
                .build();
    }

    static int tensorParallelism(LLMModel model) {
        var spec = model.getSpec();
        var explicit = spec.serving().tensorParallelism();
        return explicit != null ? explicit : Math.max(1, spec.resources().gpu().count());
    }

    private static ResourceRequirements vllmResources(LLMModel model) {
        var resources = model.getSpec().resources();
        var requests = new TreeMap<String, Quantity>(resources.requests());
        var limits = new TreeMap<String, Quantity>(resources.limits());
        int gpus = resources.gpu().count();
        if (gpus > 0) {
            // Extended resources must have request == limit; setting both keeps the spec explicit.
            requests.put(GPU_RESOURCE, new Quantity(Integer.toString(gpus)));
            limits.put(GPU_RESOURCE, new Quantity(Integer.toString(gpus)));
        }
        return new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits)
                .build();
    }

    /** The downloader streams files with bounded memory; the copy container only runs cp. */
    private static ResourceRequirements initResources() {
        var requests = new LinkedHashMap<String, Quantity>();
        requests.put("cpu", new Quantity("500m"));
        requests.put("memory", new Quantity("512Mi"));
        var limits = new LinkedHashMap<String, Quantity>();
        limits.put("cpu", new Quantity("2"));
        limits.put("memory", new Quantity("2Gi"));
        return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
    }

    private static SecurityContext restricted() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    private static List<EnvVar> hfToken(LLMModel model) {
        var secret = model.getSpec().model().authSecretName();
        if (secret == null) {
            return List.of();
        }
        return List.of(new EnvVarBuilder()
                .withName(HF_TOKEN)
                .withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(HF_TOKEN).endSecretKeyRef().endValueFrom()
                .build());
    }

    private static VolumeMount modelMount() {
        return new VolumeMountBuilder().withName(MODEL_VOLUME).withMountPath(MODEL_DIR).build();
    }

    private static List<Volume> volumes(LLMModel model, PackSettings settings) {
        var names = ModelObjects.of(model);
        var storage = model.getSpec().model().effectiveStorage();
        var modelVolume = new VolumeBuilder().withName(MODEL_VOLUME);
        if (ModelVolume.of(model) == ModelVolume.PERSISTENT_VOLUME_CLAIM) {
            modelVolume.withNewPersistentVolumeClaim().withClaimName(names.modelStorage()).endPersistentVolumeClaim();
        } else {
            modelVolume.withNewEmptyDir().withSizeLimit(storage.size()).endEmptyDir();
        }
        // Multi-GPU engines exchange tensors through shared memory and hang with the container runtime's 64 MiB.
        var shm = new VolumeBuilder().withName(SHM_VOLUME).withNewEmptyDir().withMedium("Memory").endEmptyDir().build();
        var volumes = new ArrayList<>(List.of(modelVolume.build(), shm));
        HubAccess.trustedCaVolume(model, settings).ifPresent(volumes::add);
        return volumes;
    }

    private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(5)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    /** The user's tolerations, plus nvidia.com/gpu:NoSchedule when GPUs are requested and no toleration covers it. */
    static List<Toleration> tolerations(LLMModel model) {
        var spec = model.getSpec();
        var tolerations = new ArrayList<>(spec.advanced().vllm().tolerations());
        if (spec.resources().gpu().count() > 0 && tolerations.stream().noneMatch(ModelServerDeploymentRenderer::toleratesGpuTaint)) {
            tolerations.add(new TolerationBuilder()
                    .withKey(GPU_RESOURCE).withOperator("Exists").withEffect("NoSchedule").build());
        }
        return tolerations;
    }

    /** A toleration for the GPU key (or for every key) whose effect includes NoSchedule. */
    private static boolean toleratesGpuTaint(Toleration toleration) {
        var key = toleration.getKey();
        boolean keyMatches = GPU_RESOURCE.equals(key) || ((key == null || key.isEmpty()) && "Exists".equals(toleration.getOperator()));
        var effect = toleration.getEffect();
        return keyMatches && (effect == null || effect.isEmpty() || "NoSchedule".equals(effect));
    }
}
