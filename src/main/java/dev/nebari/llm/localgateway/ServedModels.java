package dev.nebari.llm.localgateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model ids a vLLM server answers to, read from its command line as vLLM reads it: the base model's names
 * ({@code --served-model-name}, the values up to the next flag: the model id, then its aliases), and with
 * {@code --enable-lora} each LoRA module of {@code --lora-modules} (the values up to the next flag, each
 * {@code name=path} or a JSON object with {@code name} and {@code path}). vLLM refuses LoRA modules without
 * {@code --enable-lora}; here they are simply not served.
 */
record ServedModels(List<String> names, Map<String, String> adapters) {

    static final String SERVED_MODEL_FLAG = "--served-model-name";
    static final String ENABLE_LORA_FLAG = "--enable-lora";
    static final String LORA_MODULES_FLAG = "--lora-modules";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    ServedModels {
        names = List.copyOf(names);
        adapters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(adapters)); // in the order given
    }

    /** A server of the base model alone, under {@code names} (the model id, then its aliases). */
    static ServedModels only(List<String> names) {
        return new ServedModels(names, Map.of());
    }

    /** The ids a container with these args serves, or null when it names no served model. */
    static @Nullable ServedModels fromArgs(List<String> args) {
        var names = valuesOf(args, SERVED_MODEL_FLAG);
        if (names.isEmpty()) {
            return null;
        }
        var adapters = new LinkedHashMap<String, String>();
        if (args.contains(ENABLE_LORA_FLAG)) {
            for (var value : valuesOf(args, LORA_MODULES_FLAG)) {
                var module = module(value);
                adapters.put(module.getKey(), module.getValue());
            }
        }
        return new ServedModels(names, adapters);
    }

    /** The values of a flag that takes several (nargs="+"): up to the next flag; argparse keeps the last occurrence. */
    private static List<String> valuesOf(List<String> args, String flag) {
        var values = new ArrayList<String>();
        var at = args.lastIndexOf(flag);
        for (int i = at + 1; at >= 0 && i < args.size() && !args.get(i).startsWith("--"); i++) {
            values.add(args.get(i));
        }
        return values;
    }

    private static Map.Entry<String, String> module(String value) {
        if (value.startsWith("{")) {
            var json = JSON.readTree(value);
            return Map.entry(json.path("name").asString(), json.path("path").asString());
        }
        var eq = value.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a --lora-modules value must be name=path or JSON, got " + value);
        }
        return Map.entry(value.substring(0, eq), value.substring(eq + 1));
    }

    /** The base model's first name: vLLM names the base model so in its answers and as its adapters' parent. */
    String base() {
        return names.getFirst();
    }

    boolean serves(String id) {
        return names.contains(id) || adapters.containsKey(id);
    }

    /**
     * The model id vLLM reports in an answer to a request for {@code id}: the adapter's own for an adapter, else the
     * base model's first name, whichever of its names (aliases) the request used.
     */
    String reported(String id) {
        return adapters.containsKey(id) ? id : base();
    }

    /** The base model's names first, then the adapters in the order they were given. */
    List<String> ids() {
        var ids = new ArrayList<String>(names);
        ids.addAll(adapters.keySet());
        return List.copyOf(ids);
    }
}
