package io.wschat.support;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

/** A parsed JSON frame with terse accessors for assertions. */
public record Json(JsonObject object, String raw) {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    public static Json parse(String text) {
        try (var reader = PROVIDER.createReaderFactory(Map.of()).createReader(new StringReader(text))) {
            JsonValue v = reader.readValue();
            return new Json(v.getValueType() == JsonValue.ValueType.OBJECT ? v.asJsonObject() : null, text);
        } catch (RuntimeException e) {
            return new Json(null, text);
        }
    }

    /** A string field, or null if absent or not a string (or the frame is not a JSON object). */
    public String str(String field) {
        if (object == null) {
            return null;
        }
        JsonValue v = object.get(field);
        return v instanceof JsonString s ? s.getString() : null;
    }

    public boolean has(String field) {
        return object != null && object.containsKey(field);
    }

    public boolean is(String type) {
        return type.equals(str("type"));
    }

    public boolean flag(String field) {
        return object != null && object.get(field) == JsonValue.TRUE;
    }

    public int integer(String field) {
        return object.getInt(field);
    }

    /** A whole-number field, or -1 if absent or not a number. */
    public long number(String field) {
        if (object == null || !(object.get(field) instanceof jakarta.json.JsonNumber n)) {
            return -1;
        }
        return n.longValueExact();
    }

    public List<String> strings(String field) {
        return object.getJsonArray(field).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    @Override
    public String toString() {
        return raw;
    }
}
