package io.wschat.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;

/**
 * Reads client frames. Anything that is not what the protocol expects becomes a
 * {@link ProtocolException} naming what was wrong; unknown fields are ignored.
 */
public final class Inbound {

    private Inbound() {
    }

    /** A room frame: {@code {"message": "...", "client_id": "..."}} ({@code client_id} optional). */
    public static ChatRequest chat(String text) throws ProtocolException {
        JsonObject o = object(text);
        String clientId = null;
        if (o.containsKey("client_id")) {
            clientId = ClientIds.require("client_id", o.get("client_id") instanceof JsonString s ? s.getString() : null);
        }
        return new ChatRequest(message(o), clientId);
    }

    /** The {@code client_id} of a room frame if it is a JSON object with a valid one, else null: for error frames. */
    public static String clientIdOf(String text) {
        try {
            JsonValue id = object(text).get("client_id");
            return id instanceof JsonString s && ClientIds.isValid(s.getString()) ? s.getString() : null;
        } catch (ProtocolException e) {
            return null;
        }
    }

    /** A point-to-point frame: {@code {"message", "to_user", "from_user"}}; {@code from_user} is ignored. */
    public static DirectRequest direct(String text) throws ProtocolException {
        JsonObject o = object(text);
        String message = message(o);
        String to = Names.require("to_user", string(o, "to_user"));
        return new DirectRequest(to, message);
    }

    /** The {@code message} field of a push API body. */
    public static String pushBody(String text) throws ProtocolException {
        return message(object(text));
    }

    private static JsonObject object(String text) throws ProtocolException {
        JsonValue value;
        try (JsonParser parser = Json.PROVIDER.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: empty");
            }
            parser.next();
            value = parser.getValue();
            // One value per frame: anything after it (a second object, garbage) makes the frame invalid.
            if (parser.hasNext()) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: content after the value");
            }
        } catch (RuntimeException e) {
            // Parsing errors and Parsson's own limits (nesting depth 1000: a plain RuntimeException; digits
            // in a number) are all the client's: an error frame, never a dropped connection.
            throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: " + brief(e.getMessage()));
        } catch (StackOverflowError e) {
            // Deep nesting on a parser without a depth limit: refuse the frame, keep the connection.
            throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: nested too deeply");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ProtocolException(ErrorCode.NOT_AN_OBJECT, "expected a JSON object, got " + value.getValueType());
        }
        return value.asJsonObject();
    }

    private static String message(JsonObject o) throws ProtocolException {
        String message = string(o, "message");
        if (message.isBlank()) {
            throw new ProtocolException(ErrorCode.EMPTY_MESSAGE, "message is empty");
        }
        if (!Utf8.isWellFormed(message)) {
            throw new ProtocolException(ErrorCode.BAD_TEXT, "message holds a lone UTF-16 surrogate");
        }
        return message;
    }

    private static String string(JsonObject o, String field) throws ProtocolException {
        JsonValue v = o.get(field);
        if (v == null) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "'" + field + "' is missing");
        }
        if (v.getValueType() != JsonValue.ValueType.STRING) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "'" + field + "' must be a string, got " + v.getValueType());
        }
        return ((JsonString) v).getString();
    }

    private static String brief(String s) {
        if (s == null) {
            return "unreadable";
        }
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
