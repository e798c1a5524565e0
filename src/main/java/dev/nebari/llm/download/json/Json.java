package dev.nebari.llm.download.json;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;

/**
 * The downloader's JSON (the Hub listing, the progress stream, the completion manifest), through jackson-core's
 * streaming API alone. Building a jackson-databind mapper costs one to three seconds of start-up on a two-core node
 * (measured for bench/download), more than a restart of an unchanged model should take in all; the few small
 * shapes read and written here do not need data binding.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return new DefaultPrettyPrinter();
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    };

    private Json() {
    }

    /** Parses a JSON object. {@code null} members are left out, as if absent. */
    public static JsonObject parseObject(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            return readObject(parser);
        } catch (JacksonException e) {
            throw new IOException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** One JSON object on one line, its members written by {@code members}. */
    public static String object(Consumer<JsonGenerator> members) {
        return write(ObjectWriteContext.empty(), members);
    }

    /** One JSON object, indented for people who open the file. */
    public static String prettyObject(Consumer<JsonGenerator> members) {
        return write(PRETTY, members);
    }

    private static String write(ObjectWriteContext context, Consumer<JsonGenerator> members) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(context, text)) {
            generator.writeStartObject();
            members.accept(generator);
            generator.writeEndObject();
        }
        return text.toString();
    }

    private static JsonObject readObject(JsonParser parser) {
        Map<String, Object> members = new LinkedHashMap<>();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            parser.nextToken();
            Object value = readValue(parser);
            if (value != null) {
                members.put(name, value);
            }
        }
        return new JsonObject(members);
    }

    private static @Nullable Object readValue(JsonParser parser) {
        return switch (parser.currentToken()) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    Object item = readValue(parser);
                    if (item != null) {
                        items.add(item);
                    }
                }
                yield List.copyOf(items);
            }
            case VALUE_STRING -> parser.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }
}
