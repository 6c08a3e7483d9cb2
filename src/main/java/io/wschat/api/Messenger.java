package io.wschat.api;

import io.wschat.app.ChatRuntime;
import io.wschat.hub.Registry;
import io.wschat.layer.ChannelLayer;
import io.wschat.layer.LayerUnavailable;
import io.wschat.layer.Published;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import io.wschat.protocol.Names;
import jakarta.servlet.ServletContext;
import java.time.Clock;

/**
 * Says things in rooms and to users: used by the endpoints, the push API, and any other code in the
 * WAR (a servlet, a background job) through {@link #of(ServletContext)}:
 *
 * <pre>{@code
 * Messenger.of(getServletContext()).pushToRoom("builds", "step 3 of 5 done");
 * }</pre>
 *
 * Every method says through the {@link ChannelLayer}, which reaches every server. When the layer is
 * unreachable, what can still be done on this server is done (its own connections get the message)
 * and the {@link Delivery} says so.
 */
public final class Messenger {

    private final ChannelLayer layer;
    private final Registry registry;
    private final Clock clock;

    public Messenger(ChannelLayer layer, Registry registry, Clock clock) {
        this.layer = layer;
        this.registry = registry;
        this.clock = clock;
    }

    /** The messenger of the web application that {@code context} belongs to. */
    public static Messenger of(ServletContext context) {
        ChatRuntime runtime = ChatRuntime.of(context);
        if (runtime == null) {
            throw new IllegalStateException("the chat server of " + context.getContextPath() + " is not running");
        }
        return runtime.messenger();
    }

    /**
     * Says {@code message} in {@code room} as {@code user}: stored in the room's stream at its next
     * offset and sent to everyone in the room, sender included. A room with nobody in it keeps it for
     * those who join later.
     */
    public Delivery sayInRoom(String room, String user, String message) {
        return sayInRoom(room, user, message, null);
    }

    /**
     * As {@link #sayInRoom(String, String, String)}, with the sender's id for the message: if the same
     * user said the same {@code clientId} in the room within {@code wschat.dedupSeconds}, it is not
     * stored or sent again, and the first send's delivery is returned.
     */
    public Delivery sayInRoom(String room, String user, String message, String clientId) {
        requireName(room);
        ChatMessage draft = ChatMessage.draft(room, user, message, clock.instant(), clientId);
        try {
            Published p = layer.publish(draft);
            return new Delivery(p.message().offset(), p.delivered(), true);
        } catch (LayerUnavailable e) {
            return new Delivery(ChatMessage.NOT_STORED, registry.sayLocally(draft), false);
        }
    }

    /**
     * Sends a direct message to every connection of {@code toUser}; the sender's own connections get
     * a copy, so all of a sender's tabs show the conversation. Nothing is sent if the user is offline
     * ({@code reached} 0).
     */
    public Delivery sendDirect(String fromUser, String toUser, String message) {
        return sendDirect(fromUser, toUser, message, null);
    }

    /**
     * As {@link #sendDirect(String, String, String)}, with an idempotency key: a key already sent to
     * the same receiver within {@code wschat.dedupSeconds} (and received) is not sent again, and the
     * first send's delivery is returned.
     */
    public Delivery sendDirect(String fromUser, String toUser, String message, String idempotencyKey) {
        requireName(toUser);
        DirectMessage m = new DirectMessage(fromUser, toUser, message, clock.instant());
        try {
            return new Delivery(0, layer.sendDirect(m, idempotencyKey), true);
        } catch (LayerUnavailable e) {
            return new Delivery(0, registry.directLocally(m), false);
        }
    }

    /**
     * Sends raw text, unchanged, to every connection on the broadcast endpoint {@code /ws}. Returns
     * false if only this server's connections could be reached (the layer was unreachable).
     */
    public boolean broadcast(String text) {
        try {
            layer.broadcast(text);
            return true;
        } catch (LayerUnavailable e) {
            registry.broadcastLocally(text);
            return false;
        }
    }

    /** Server push to a room, shown as said by user {@value ChatMessage#SERVER_USER}. */
    public Delivery pushToRoom(String room, String message) {
        return pushToRoom(room, message, null);
    }

    /** As {@link #pushToRoom(String, String)}; a repeat of {@code idempotencyKey} (see {@link #sayInRoom(String, String, String, String)}) is sent once. */
    public Delivery pushToRoom(String room, String message, String idempotencyKey) {
        return sayInRoom(room, ChatMessage.SERVER_USER, message, idempotencyKey);
    }

    /** Server push to a user's connections on {@code /ws/{username}}; {@code reached} 0 if the user is offline. */
    public Delivery pushToUser(String user, String message) {
        return pushToUser(user, message, null);
    }

    /** As {@link #pushToUser(String, String)}; a repeat of {@code idempotencyKey} is sent once. */
    public Delivery pushToUser(String user, String message, String idempotencyKey) {
        return sendDirect(ChatMessage.SERVER_USER, user, message, idempotencyKey);
    }

    private static void requireName(String name) {
        if (!Names.isValid(name)) {
            throw new IllegalArgumentException("invalid room or user name: " + name);
        }
    }
}
