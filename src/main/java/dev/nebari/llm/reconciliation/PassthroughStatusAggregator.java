package dev.nebari.llm.reconciliation;

import static dev.nebari.llm.reconciliation.ConditionReason.*;

import dev.nebari.llm.gateway.EndpointSide;
import dev.nebari.llm.gateway.ModelEndpoints;
import dev.nebari.llm.gateway.PassthroughRenderer;
import dev.nebari.llm.manifests.ChildKind;
import dev.nebari.llm.model.EndpointsStatus;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.model.PassthroughModelStatus;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.platform.ManagedNamespaces;
import dev.nebari.llm.platform.PackSettings;
import dev.nebari.llm.reconciliation.StatusAggregator.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Folds what a pass saw of an external provider's objects into its status: {@code ProviderConfigured} (the four
 * provider objects), the endpoint and access conditions judged exactly as an LLMModel's ({@link StatusAggregator}),
 * and the aggregate {@code Ready}. Pure. Nothing here reads the credential Secret, so no status can show it.
 */
final class PassthroughStatusAggregator {

    private static final List<ChildKind> PROVIDER_KINDS = List.of(ChildKind.BACKEND, ChildKind.BACKEND_TLS_POLICY,
            ChildKind.AI_SERVICE_BACKEND, ChildKind.BACKEND_SECURITY_POLICY);

    private final PackSettings settings;
    private final StatusAggregator shared;
    private final Clock clock;

    PassthroughStatusAggregator(PackSettings settings, StatusAggregator shared, Clock clock) {
        this.settings = settings;
        this.shared = shared;
        this.clock = clock;
    }

    /**
     * @param provider   the provider objects as observed (absent ones left out)
     * @param routedIds  the listed ids the routes carry
     * @param leftOut    listed ids that an LLMModel (or an older provider) serves, so this one does not route them
     */
    PassthroughModelStatus aggregate(PassthroughModel model, Observations seen, List<GenericKubernetesResource> provider,
            List<String> routedIds, List<String> leftOut) {
        var spec = model.getSpec();
        var subdomain = PassthroughRenderer.subdomain(model);
        var verdicts = List.of(
                providerConfigured(model, seen, provider, leftOut),
                shared.endpointReady(spec.endpoints(), subdomain, seen, EndpointSide.EXTERNAL),
                shared.endpointReady(spec.endpoints(), subdomain, seen, EndpointSide.INTERNAL),
                shared.accessControl(seen));
        var failing = verdicts.stream().filter(v -> !v.ok()).findFirst();
        var ready = seen.applyError() == null && failing.isEmpty();
        var readyReason = seen.applyError() != null ? "ApplyFailed"
                : failing.map(v -> StatusAggregator.notReady(v.type()).name()).orElse("Ready");
        var readyMessage = seen.applyError() != null ? seen.applyError()
                : failing.map(Verdict::message).orElse(servedMessage(model, routedIds, leftOut));
        var previous = model.getStatus();
        var conditions = new ArrayList<Condition>();
        conditions.add(condition("Ready", ready, readyReason, readyMessage, model, previous));
        verdicts.forEach(v -> conditions.add(condition(v.type().type(), v.ok(), v.reason().name(), v.message(), model, previous)));
        var phase = ready ? Phase.Ready : seen.applyError() != null || failing.get().reason() == RouteRejected
                || failing.get().reason() == PolicyRejected ? Phase.Error
                : failing.get().reason() == Creating || failing.get().reason() == CRDNotInstalled ? Phase.Pending : Phase.Degraded;
        var firstId = routedIds.isEmpty() ? "" : routedIds.getFirst();
        var endpoints = new EndpointsStatus(
                EndpointSide.EXTERNAL.enabledIn(spec.endpoints()) ? ModelEndpoints.baseUrl(EndpointSide.EXTERNAL, subdomain, settings) : "",
                EndpointSide.INTERNAL.enabledIn(spec.endpoints()) ? ModelEndpoints.baseUrl(EndpointSide.INTERNAL, subdomain, settings) : "",
                firstId);
        return new PassthroughModelStatus(phase, List.copyOf(conditions), model.getMetadata().getGeneration(), endpoints,
                modelsColumn(routedIds, spec.models().catchAll()));
    }

    /** The status of a provider in a namespace the pack does not manage: one condition that says so. */
    PassthroughModelStatus notManaged(PassthroughModel model) {
        var message = "namespace " + model.getMetadata().getNamespace() + " is not managed: label it "
                + ManagedNamespaces.LABEL + "=" + ManagedNamespaces.LABEL_VALUE + " or add it to watchNamespaces";
        var condition = condition("Ready", false, "NamespaceNotManaged", message, model, model.getStatus());
        return new PassthroughModelStatus(Phase.Pending, List.of(condition), model.getMetadata().getGeneration(), null, null);
    }

    private Verdict providerConfigured(PassthroughModel model, Observations seen, List<GenericKubernetesResource> provider,
            List<String> leftOut) {
        var type = ConditionType.PROVIDER_CONFIGURED;
        for (var kind : PROVIDER_KINDS) {
            if (seen.missingKinds().contains(kind)) {
                return StatusAggregator.crdMissing(type, kind);
            }
        }
        if (provider.size() < PROVIDER_KINDS.size()) {
            return Verdict.notOk(type, Creating, "the provider's Backend, BackendTLSPolicy, AIServiceBackend and "
                    + "BackendSecurityPolicy do not all exist yet");
        }
        // AI Gateway writes one condition on what it reconciled: Accepted/True, or NotAccepted/False with the error.
        for (var object : provider) {
            var rejected = StatusAggregator.conditions(object.getAdditionalProperties().get("status")).stream()
                    .filter(c -> "NotAccepted".equals(c.get("type")) || ("Accepted".equals(c.get("type")) && !"True".equals(c.get("status"))))
                    .findFirst();
            if (rejected.isPresent()) {
                return Verdict.notOk(type, RouteRejected, "the gateway rejected " + object.getKind() + " "
                        + object.getMetadata().getName() + ": " + rejected.get().getOrDefault("message", ""));
            }
        }
        var target = model.getSpec().provider();
        return Verdict.ok(type, Applied, "requests go to https://" + target.hostname() + ":" + target.port() + "/"
                + target.schema().prefix() + " with the key in Secret " + target.credential().secretName() + leftOut(leftOut));
    }

    private static String servedMessage(PassthroughModel model, List<String> routedIds, List<String> leftOut) {
        var what = routedIds.isEmpty() ? "every unclaimed model id" : String.join(", ", routedIds)
                + (model.getSpec().models().catchAll() ? " and every unclaimed model id" : "");
        return what + " served by " + model.getSpec().provider().hostname() + leftOut(leftOut);
    }

    private static String leftOut(List<String> ids) {
        return ids.isEmpty() ? "" : "; " + String.join(", ", ids) + " left out: an LLMModel or an older PassthroughModel serves them";
    }

    static @Nullable String modelsColumn(List<String> routedIds, boolean catchAll) {
        var all = new ArrayList<>(routedIds);
        if (catchAll) {
            all.add("*");
        }
        return all.isEmpty() ? null : String.join(",", all);
    }

    private Condition condition(String type, boolean ok, String reason, String message, PassthroughModel model,
            @Nullable PassthroughModelStatus previous) {
        var status = ok ? "True" : "False";
        var since = Optional.ofNullable(previous).stream()
                .flatMap(p -> p.conditions().stream())
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElseGet(() -> DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS)));
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(model.getMetadata().getGeneration())
                .withLastTransitionTime(since)
                .build();
    }

    static boolean isReady(@Nullable PassthroughModelStatus status) {
        return status != null && status.conditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
