package io.wschat.api;

import io.wschat.app.ChatRuntime;
import io.wschat.hub.GroupKey;
import io.wschat.layer.ChannelLayer;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;
import io.wschat.protocol.Names;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Says things in rooms and to users: used by the endpoints, the push API, and any other code in the
 * WAR (a servlet, a background job) through {@link #of(ServletContext)}:
 *
 * <pre>{@code
 * Messenger.of(getServletContext()).pushToRoom("builds", "step 3 of 5 done");
 * }</pre>
 *
 * Every method returns how many connections the message reached.
 */
public final class Messenger {

    private final ChannelLayer layer;
    private final Clock clock;
    // Message ids: unique per server run, so a client can tell a replayed message from a new one.
    private final String idPrefix;
    private final AtomicLong nextId = new AtomicLong();

    public Messenger(ChannelLayer layer, Clock clock) {
        this.layer = layer;
        this.clock = clock;
        this.idPrefix = Long.toString(clock.millis(), 36) + "-";
    }

    /** The messenger of the web application that {@code context} belongs to. */
    public static Messenger of(ServletContext context) {
        ChatRuntime runtime = ChatRuntime.of(context);
        if (runtime == null) {
            throw new IllegalStateException("the chat server of " + context.getContextPath() + " is not running");
        }
        return runtime.messenger();
    }

    /** Says {@code message} in {@code room} as {@code user}; everyone in the room, sender included, receives it. */
    public int sayInRoom(String room, String user, String message) {
        requireName(room);
        ChatMessage m = new ChatMessage(idPrefix + nextId.incrementAndGet(), room, user, message, clock.instant());
        return layer.sendToRoom(m);
    }

    /**
     * Sends a direct message to every connection of {@code toUser}; the sender's own connections get
     * a copy, so all of a sender's tabs show the conversation. Returns how many of {@code toUser}'s
     * connections it reached; 0 means the user is offline (and nothing was sent to anyone).
     */
    public int sendDirect(String fromUser, String toUser, String message) {
        requireName(toUser);
        DirectMessage m = new DirectMessage(fromUser, toUser, message, clock.instant());
        var frame = Frames.direct(m);
        int reached = layer.sendToGroup(GroupKey.user(toUser), frame);
        if (reached > 0 && !fromUser.equals(toUser)) {
            layer.sendToGroup(GroupKey.user(fromUser), frame);
        }
        return reached;
    }

    /** Sends raw text, unchanged, to every connection on the broadcast endpoint {@code /ws}. */
    public int broadcast(String text) {
        return layer.sendToGroup(GroupKey.BROADCAST, Frame.of(text));
    }

    /** Server push to a room, shown as said by user {@value ChatMessage#SERVER_USER}. */
    public int pushToRoom(String room, String message) {
        return sayInRoom(room, ChatMessage.SERVER_USER, message);
    }

    /** Server push to a user's connections on {@code /ws/{username}}; 0 if the user is offline. */
    public int pushToUser(String user, String message) {
        return sendDirect(ChatMessage.SERVER_USER, user, message);
    }

    private static void requireName(String name) {
        if (!Names.isValid(name)) {
            throw new IllegalArgumentException("invalid room or user name: " + name);
        }
    }
}
