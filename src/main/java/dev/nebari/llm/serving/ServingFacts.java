package dev.nebari.llm.serving;

/**
 * Facts about vLLM and the pod layout that the workload renderers share. The layout mirrors the decode
 * Deployment of llm-d's model-service chart ({@code llm-d-incubation/llm-d-modelservice}, chart v0.4.0):
 * weights under {@code /model-cache}, a memory-backed {@code /dev/shm}, port 8000, probes on vLLM's own
 * OpenAI endpoints.
 */
public final class ServingFacts {

    /** Container names; the reconciler reads their states to report download and start-up problems. */
    public static final String CONTAINER = "vllm";
    public static final String DOWNLOADER_CONTAINER = "model-downloader";
    public static final String OCI_COPY_CONTAINER = "model-copy";

    /** prometheus-operator v0.93.0: PodMonitor is served as monitoring.coreos.com/v1. */
    public static final String POD_MONITOR_API_VERSION = "monitoring.coreos.com/v1";
    public static final String POD_MONITOR_KIND = "PodMonitor";
    public static final String POD_MONITOR_CRD = "podmonitors.monitoring.coreos.com";

    static final String PORT_NAME = "http";
    static final int PORT = 8000;

    static final String MODEL_VOLUME = "model-storage";
    static final String MODEL_DIR = "/model-cache";
    /**
     * LoRA adapters live beside the base model on its volume, each in {@code adapters/<adapter name>}: a model id
     * never has a {@code .} or {@code ..} segment, and the downloader leaves files it did not list alone, so the base
     * model's downloads and the adapters' never touch each other's files.
     */
    static final String ADAPTERS_SUBDIR = "adapters";
    /** Init containers that copy an OCI adapter image: {@code adapter-copy-<index in spec.adapters>}. */
    public static final String ADAPTER_COPY_CONTAINER_PREFIX = "adapter-copy-";
    /**
     * vLLM's {@code --max-loras}: adapters in one batch, each slot reserving GPU memory for an adapter of
     * {@code --max-lora-rank}; with more adapters, vLLM swaps them in from its CPU cache ({@code --max-cpu-loras},
     * set to all of them, so none is read from disk again).
     */
    static final int MAX_LORAS_PER_BATCH = 4;
    static final String SHM_VOLUME = "shm";
    static final String SHM_DIR = "/dev/shm";
    /** Where an OCI weights image ({@code spec.model.image}) must keep its files: the API says so. */
    static final String OCI_MODEL_DIR = "/models";

    /** vLLM's OpenAI-compatible server; the llm-d images start it this way. */
    static final java.util.List<String> DEFAULT_COMMAND = java.util.List.of("python3", "-m", "vllm.entrypoints.openai.api_server");

    /** Lists the served model once the engine is up: the right question for startup and readiness. */
    static final String MODELS_PATH = "/v1/models";
    static final String HEALTH_PATH = "/health";
    static final String METRICS_PATH = "/metrics";

    /** Startup probe budget: loading a large model (and compiling CUDA graphs) can take most of an hour. */
    static final int STARTUP_PERIOD_SECONDS = 10;
    static final int STARTUP_FAILURE_THRESHOLD = 6 * 60;

    /**
     * The downloader image runs as this non-root user; {@code fsGroup} makes the model volume writable for it,
     * and {@code OnRootMismatch} skips the recursive chown of a large, already-owned volume on every start.
     */
    static final long FS_GROUP = 65532L;

    static final String GPU_RESOURCE = "nvidia.com/gpu";

    static final String HF_TOKEN = "HF_TOKEN";
    static final String HF_ENDPOINT = "HF_ENDPOINT";

    /**
     * The trusted CA bundle in model pods: its own directory, not /etc/ssl/certs, which the image's own bundle must
     * keep. Mounted whole (no subPath) so that the kubelet updates it when the ConfigMap changes.
     */
    static final String TRUSTED_CA_VOLUME = "trusted-ca";
    static final String TRUSTED_CA_DIR = "/etc/nebari-llm/trusted-ca";
    static final String TRUSTED_CA_FILE = "ca.crt";

    private ServingFacts() {
    }
}
