package dev.nebari.llm.reconciliation;

/** The conditions of an LLMModel's (and a PassthroughModel's) status; {@link #READY} aggregates the others. */
enum ConditionType {
    READY("Ready"),
    MODEL_AVAILABLE("ModelAvailable"),
    WORKLOAD_READY("WorkloadReady"),
    SCHEDULER_READY("SchedulerReady"),
    EXTERNAL_ENDPOINT_READY("ExternalEndpointReady"),
    INTERNAL_ENDPOINT_READY("InternalEndpointReady"),
    ACCESS_CONTROL_CONFIGURED("AccessControlConfigured"),
    /** An external provider's (PassthroughModel) Backend, BackendTLSPolicy, AIServiceBackend and BackendSecurityPolicy. */
    PROVIDER_CONFIGURED("ProviderConfigured");

    private final String type;

    ConditionType(String type) {
        this.type = type;
    }

    String type() {
        return type;
    }
}
