package io.wschat.protocol;

import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.Collection;
import java.util.function.Consumer;

/** Every JSON frame the server sends; the README's frame table documents each {@code type}. */
public final class Frames {

    /**
     * The subprotocol a client of the room and direct endpoints may ask for to get several messages per
     * frame, one JSON object per line, when they queue up behind each other (see the README's Frames).
     */
    public static final String BATCH_SUBPROTOCOL = "wschat.batch";

    /** The most UTF-8 bytes of messages joined into one frame for a client on {@link #BATCH_SUBPROTOCOL}. */
    public static final int BATCH_BYTES = 4096;

    private Frames() {
    }

    public static Frame welcome(String room, String user, String epoch) {
        return welcome(room, user, epoch, null);
    }

    /** The welcome of a join that asked to resume ({@code recovered} not null): says whether it could. */
    public static Frame welcome(String room, String user, String epoch, Boolean recovered) {
        return object(g -> {
            g.write("type", "welcome").write("room", room).write("user", user).write("epoch", epoch);
            if (recovered != null) {
                g.write("recovered", recovered);
            }
        });
    }

    /** The sender's confirmation that its message is stored (offset), or done (a command: no offset). */
    public static Frame ack(String clientId, long offset) {
        return object(g -> {
            g.write("type", "ack").write("client_id", clientId);
            if (offset != ChatMessage.NOT_STORED) {
                g.write("offset", offset);
            }
        });
    }

    /** The member list ({@code members} at most the list limit's first names, in joining order) and how many there are. */
    public static Frame members(String room, Collection<String> members, int count) {
        return object(g -> {
            g.write("type", "presence.members").write("room", room).writeStartArray("members");
            members.forEach(g::write);
            g.writeEnd().write("count", count);
        });
    }

    /** How many members a room has: what members of a room larger than its list limit are told of changes. */
    public static Frame count(String room, int count) {
        return object(g -> g.write("type", "presence.count").write("room", room).write("count", count));
    }

    public static Frame presence(PresenceChange change) {
        if (change.members() != null) {
            return members(change.room(), change.members(), change.count());
        }
        return object(g -> {
            switch (change.kind()) {
                case JOIN -> g.write("type", "presence.join").write("room", change.room()).write("user", change.user());
                case LEAVE -> g.write("type", "presence.leave").write("room", change.room()).write("user", change.user());
                case RENAME -> g.write("type", "presence.rename").write("room", change.room())
                        .write("from", change.from()).write("to", change.user());
            }
            g.write("count", change.count());
        });
    }

    public static Frame chat(ChatMessage m) {
        return chat(m, false);
    }

    /** A message from a room's history, replayed to a joining connection: the live frame plus {@code "history":true}. */
    public static Frame history(ChatMessage m) {
        return chat(m, true);
    }

    public static Frame direct(DirectMessage m) {
        return object(g -> g.write("type", "direct.message")
                .write("message", m.message())
                .write("from_user", m.fromUser())
                .write("to_user", m.toUser())
                .write("ts", m.ts().toString()));
    }

    public static Frame error(ErrorCode code, String detail) {
        return error(code, detail, null);
    }

    /** An error about the frame the client sent with {@code clientId} (if not null). */
    public static Frame error(ErrorCode code, String detail, String clientId) {
        return object(g -> {
            g.write("type", "error").write("code", code.wire()).write("detail", detail);
            if (clientId != null) {
                g.write("client_id", clientId);
            }
        });
    }

    private static Frame chat(ChatMessage m, boolean history) {
        return object(g -> {
            g.write("type", "chat.message");
            if (m.stored()) {
                g.write("offset", m.offset());
            }
            g.write("room", m.room())
                    .write("user", m.user())
                    .write("message", m.message())
                    .write("ts", m.ts().toString());
            if (m.clientId() != null) {
                g.write("client_id", m.clientId());
            }
            if (history) {
                g.write("history", true);
            }
        });
    }

    private static Frame object(Consumer<JsonGenerator> body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = Json.GENERATORS.createGenerator(out)) {
            g.writeStartObject();
            body.accept(g);
            g.writeEnd();
        }
        return Frame.of(out.toString());
    }
}
