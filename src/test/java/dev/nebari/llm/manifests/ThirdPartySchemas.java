package dev.nebari.llm.manifests;

import static dev.nebari.llm.model.ModelFixtures.SERIALIZATION;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Offline structural validation of rendered third-party objects against the upstream CRDs' openAPIV3Schema
 * (the tested set: AI Gateway v1.1.0, Envoy Gateway v1.8.3, Gateway API v1.5.1, GIE v1.6.0, prometheus-operator
 * v0.93.0). Checks field names, types, required fields, enums, string patterns and lengths, and list bounds;
 * the CEL rules need a real API server (a later tier). The CRDs are test data read from the directory in the
 * system property {@code nebari.thirdPartyCrds}, never copied into this repository.
 */
final class ThirdPartySchemas {

    static final String PROPERTY = "nebari.thirdPartyCrds";

    /** apiVersion + kind → CRD file under the directory, at the tested versions. */
    static final Map<String, String> FILES = Map.of(
            "aigateway.envoyproxy.io/v1beta1 AIGatewayRoute", "envoy-ai-gateway/v1.1.0/aigateway.envoyproxy.io_aigatewayroutes.yaml",
            "gateway.envoyproxy.io/v1alpha1 SecurityPolicy", "envoy-gateway/v1.8.3/gateway.envoyproxy.io_securitypolicies.yaml",
            "gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy", "envoy-gateway/v1.8.3/gateway.envoyproxy.io_backendtrafficpolicies.yaml",
            "gateway.networking.k8s.io/v1beta1 ReferenceGrant", "gateway-api/v1.5.1/gateway.networking.k8s.io_referencegrants.yaml",
            "inference.networking.k8s.io/v1 InferencePool", "gateway-api-inference-extension/v1.6.0/inference.networking.k8s.io_inferencepools.yaml",
            "monitoring.coreos.com/v1 PodMonitor", "prometheus-operator/v0.93.0/monitoring.coreos.com_podmonitors.yaml");

    private final Map<String, Map<String, Object>> schemas;

    private ThirdPartySchemas(Map<String, Map<String, Object>> schemas) {
        this.schemas = schemas;
    }

    /** The schemas, or: abort the test (laptop without ../shared/crds), or fail it (CI=true). */
    static ThirdPartySchemas loadOrSkip() {
        var loaded = load();
        if (loaded.isEmpty()) {
            var message = "third-party CRDs not found: set -D" + PROPERTY + "=<dir> (surefire passes ../shared/crds); was "
                    + System.getProperty(PROPERTY);
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message);
            }
            Assumptions.abort("skipped: " + message);
        }
        return loaded.orElseThrow();
    }

    static Optional<ThirdPartySchemas> load() {
        var dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
            return Optional.empty();
        }
        var schemas = new java.util.HashMap<String, Map<String, Object>>();
        for (var entry : FILES.entrySet()) {
            var file = Path.of(dir).resolve(entry.getValue());
            try {
                var crd = SERIALIZATION.unmarshal(Files.readString(file), Map.class);
                var apiVersion = entry.getKey().split(" ")[0];
                var version = apiVersion.substring(apiVersion.indexOf('/') + 1);
                for (var v : list(map(crd.get("spec")).get("versions"))) {
                    var served = map(v);
                    if (version.equals(served.get("name"))) {
                        schemas.put(entry.getKey(), map(map(served.get("schema")).get("openAPIV3Schema")));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
            if (!schemas.containsKey(entry.getKey())) {
                throw new IllegalStateException(file + " does not serve " + entry.getKey());
            }
        }
        return Optional.of(new ThirdPartySchemas(schemas));
    }

    boolean covers(HasMetadata object) {
        return schemas.containsKey(object.getApiVersion() + " " + object.getKind());
    }

    /** Violations of the object against its CRD schema; empty when it conforms. */
    List<String> violations(HasMetadata object) {
        var schema = schemas.get(object.getApiVersion() + " " + object.getKind());
        if (schema == null) {
            return List.of("no schema for " + object.getApiVersion() + " " + object.getKind());
        }
        var errors = new ArrayList<String>();
        var tree = SERIALIZATION.convertValue(object, Map.class);
        check(tree, schema, object.getKind(), errors);
        return errors;
    }

    private static void check(@Nullable Object value, Map<String, Object> schema, String path, List<String> errors) {
        if (value == null) {
            errors.add(path + ": null is not allowed (server-side apply would read it as a removal)");
            return;
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof String || isInteger(value))) {
                errors.add(path + ": expected int or string, got " + value);
            }
            return;
        }
        var type = (String) schema.get("type");
        switch (type == null ? "" : type) {
            case "object" -> checkObject(value, schema, path, errors);
            case "array" -> {
                if (!(value instanceof List<?> items)) {
                    errors.add(path + ": expected a list");
                    return;
                }
                bound(items.size(), schema, "minItems", "maxItems", path, errors);
                var itemSchema = map(schema.get("items"));
                for (int i = 0; i < items.size(); i++) {
                    check(items.get(i), itemSchema, path + "[" + i + "]", errors);
                }
            }
            case "string" -> {
                if (!(value instanceof String text)) {
                    errors.add(path + ": expected a string, got " + value);
                    return;
                }
                bound(text.length(), schema, "minLength", "maxLength", path, errors);
                if (schema.get("enum") instanceof List<?> values && !values.contains(text)) {
                    errors.add(path + ": '" + text + "' is not one of " + values);
                }
                if (schema.get("pattern") instanceof String pattern) {
                    try {
                        if (!Pattern.compile(pattern).matcher(text).find()) {
                            errors.add(path + ": '" + text + "' does not match " + pattern);
                        }
                    } catch (PatternSyntaxException ignored) {
                        // An ECMA pattern Java cannot compile: left to the API-server tier.
                    }
                }
            }
            case "integer" -> {
                if (!isInteger(value)) {
                    errors.add(path + ": expected an integer, got " + value);
                    return;
                }
                var number = ((Number) value).longValue();
                if (schema.get("minimum") instanceof Number min && number < min.longValue()) {
                    errors.add(path + ": " + number + " < minimum " + min);
                }
                if (schema.get("maximum") instanceof Number max && number > max.longValue()) {
                    errors.add(path + ": " + number + " > maximum " + max);
                }
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    errors.add(path + ": expected a boolean, got " + value);
                }
            }
            default -> {
                // Untyped (x-kubernetes-preserve-unknown-fields): anything goes.
            }
        }
    }

    private static void checkObject(Object value, Map<String, Object> schema, String path, List<String> errors) {
        if (!(value instanceof Map<?, ?> fields)) {
            errors.add(path + ": expected an object");
            return;
        }
        var properties = map(schema.get("properties"));
        var additional = schema.get("additionalProperties");
        boolean preserveUnknown = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        if (path.endsWith(".metadata") && properties.isEmpty()) {
            return; // ObjectMeta is validated by the API server itself, not by the CRD schema.
        }
        for (var required : list(schema.get("required"))) {
            if (!fields.containsKey(required)) {
                errors.add(path + ": missing required field '" + required + "'");
            }
        }
        for (var entry : fields.entrySet()) {
            var key = (String) entry.getKey();
            var child = path + "." + key;
            if (properties.containsKey(key)) {
                check(entry.getValue(), map(properties.get(key)), child, errors);
            } else if (additional instanceof Map<?, ?> additionalSchema) {
                check(entry.getValue(), map(additionalSchema), child, errors);
            } else if (!preserveUnknown) {
                errors.add(child + ": unknown field (the API server would drop or reject it)");
            }
        }
    }

    private static void bound(int size, Map<String, Object> schema, String minKey, String maxKey, String path, List<String> errors) {
        if (schema.get(minKey) instanceof Number min && size < min.intValue()) {
            errors.add(path + ": " + size + " < " + minKey + " " + min);
        }
        if (schema.get(maxKey) instanceof Number max && size > max.intValue()) {
            errors.add(path + ": " + size + " > " + maxKey + " " + max);
        }
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof java.math.BigInteger;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(@Nullable Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(@Nullable Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
