package dev.nebari.llm.reconciliation;

/**
 * The reasons of the conditions other than {@code Ready}, spelled as the status carries them (admins and Argo CD read
 * them, so a name never changes). {@code Ready}'s own reasons are the Events' ({@link dev.nebari.llm.model.ModelEventReason}),
 * because a change of {@code Ready} is recorded as an Event under its new reason.
 */
enum ConditionReason {
    // the weights (ModelAvailable)
    FetchedByServer, Downloaded, Downloading, DownloadFailed,
    // the pods (ModelAvailable, WorkloadReady, SchedulerReady)
    Pending, Unschedulable, ImagePullBackOff, CrashLoopBackOff, ScaledToZero, Creating, Starting, ReplicasReady, PickerReady,
    // exposure (the endpoints, AccessControlConfigured)
    Disabled, Withheld, OIDCNotConfigured, ModelIdTaken, RoutePending, RouteAccepted, RouteRejected,
    PolicyPending, PolicyRejected, PoliciesAccepted,
    // an external provider's objects (ProviderConfigured)
    Applied,
    // any of them
    CRDNotInstalled
}
