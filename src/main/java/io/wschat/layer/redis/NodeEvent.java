package io.wschat.layer.redis;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import io.wschat.protocol.Json;
import io.wschat.protocol.PresenceChange;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;

/** What arrives on a node's channel, as the scripts publish it (see {@code common.lua}). */
sealed interface NodeEvent {

    /** Events of one room are applied in order, as are one sender's direct messages. */
    String orderKey();

    record RoomMessage(String epoch, ChatMessage message) implements NodeEvent {
        @Override
        public String orderKey() {
            return message.room();
        }
    }

    record Presence(PresenceChange change) implements NodeEvent {
        @Override
        public String orderKey() {
            return change.room();
        }
    }

    record Direct(DirectMessage message) implements NodeEvent {
        @Override
        public String orderKey() {
            return "@" + message.fromUser();
        }
    }

    record Broadcast(String text) implements NodeEvent {
        @Override
        public String orderKey() {
            return "/ws";
        }
    }

    static NodeEvent parse(String payload) {
        JsonObject o;
        try (var reader = Json.READERS.createReader(new StringReader(payload))) {
            o = reader.readObject();
        }
        return switch (o.getString("t")) {
            case "m" -> new RoomMessage(o.getString("epoch"), new ChatMessage(o.getString("room"),
                    o.getJsonNumber("offset").longValueExact(), o.getString("user"), o.getString("message"),
                    Instant.parse(o.getString("ts")), clientId(o.getString("c", ""))));
            case "p" -> new Presence(presence(o));
            case "d" -> new Direct(new DirectMessage(o.getString("from"), o.getString("to"), o.getString("message"),
                    Instant.parse(o.getString("ts"))));
            case "b" -> new Broadcast(o.getString("text"));
            default -> throw new IllegalArgumentException("unknown event " + o.getString("t"));
        };
    }

    /** The scripts write '' for "no client id". */
    static String clientId(String raw) {
        return raw == null || raw.isEmpty() ? null : raw;
    }

    private static PresenceChange presence(JsonObject o) {
        String room = o.getString("room");
        String user = o.getString("user");
        long version = o.getJsonNumber("pv").longValueExact();
        int count = o.getInt("count");
        return switch (o.getString("kind")) {
            case "join" -> PresenceChange.joined(room, user, version, count);
            case "leave" -> PresenceChange.left(room, user, version, count, o.containsKey("members")
                    ? o.getJsonArray("members").getValuesAs(jakarta.json.JsonString.class).stream()
                            .map(jakarta.json.JsonString::getString).toList()
                    : null);
            case "rename" -> PresenceChange.renamed(room, o.getString("from"), user, version, count);
            default -> throw new IllegalArgumentException("unknown presence change " + o.getString("kind"));
        };
    }
}
