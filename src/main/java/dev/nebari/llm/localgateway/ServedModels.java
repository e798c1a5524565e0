package dev.nebari.llm.localgateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model ids a vLLM server answers to, read from its command line as vLLM reads it: the base model's
 * {@code --served-model-name}, and with {@code --enable-lora} each LoRA module of {@code --lora-modules} (the values
 * up to the next flag, each {@code name=path} or a JSON object with {@code name} and {@code path}). vLLM refuses LoRA
 * modules without {@code --enable-lora}; here they are simply not served.
 */
record ServedModels(String base, Map<String, String> adapters) {

    static final String SERVED_MODEL_FLAG = "--served-model-name";
    static final String ENABLE_LORA_FLAG = "--enable-lora";
    static final String LORA_MODULES_FLAG = "--lora-modules";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    ServedModels {
        adapters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(adapters)); // in the order given
    }

    static ServedModels only(String base) {
        return new ServedModels(base, Map.of());
    }

    /** The ids a container with these args serves, or null when it names no served model. */
    static @Nullable ServedModels fromArgs(List<String> args) {
        var at = args.indexOf(SERVED_MODEL_FLAG);
        if (at < 0 || at + 1 >= args.size()) {
            return null;
        }
        var adapters = new LinkedHashMap<String, String>();
        if (args.contains(ENABLE_LORA_FLAG)) {
            // argparse keeps the last occurrence of a flag given twice.
            var modules = args.lastIndexOf(LORA_MODULES_FLAG);
            for (int i = modules + 1; modules >= 0 && i < args.size() && !args.get(i).startsWith("--"); i++) {
                var module = module(args.get(i));
                adapters.put(module.getKey(), module.getValue());
            }
        }
        return new ServedModels(args.get(at + 1), adapters);
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

    boolean serves(String id) {
        return base.equals(id) || adapters.containsKey(id);
    }

    /** The base model first, then the adapters in the order they were given. */
    List<String> ids() {
        var ids = new ArrayList<String>();
        ids.add(base);
        ids.addAll(adapters.keySet());
        return ids;
    }
}
