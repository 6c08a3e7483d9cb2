package io.wschat.layer;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import java.util.Map;

/**
 * Everything that servers running the same chat share: the room streams (history and live messages
 * under one numbering), presence (who is in which room, under which name), who is connected where
 * (for direct messages and {@code user_offline}), the room list, and {@code /ws} broadcast.
 *
 * <p>What is not shared stays in the hub: the connections of this server, their outboxes and the
 * fan-out to them. A layer tells the hub what to deliver through the {@link LayerListener} it was
 * started with, on every server: a room message once per server that has members of the room, in
 * offset order, and presence changes in version order.
 *
 * <p>{@link InMemoryChannelLayer} is the layer of one server; {@code layer.redis.RedisChannelLayer}
 * shares all of it between servers through Redis. Each operation either happens on the shared state
 * or throws {@link LayerUnavailable}; the caller then decides what this server alone can still do.
 */
public interface ChannelLayer extends AutoCloseable {

    /** Starts delivering to {@code listener}, which from then on hears of everything said where it has members. */
    void start(LayerListener listener);

    /** {@code memory} or {@code redis}, for {@code /health}. */
    String kind();

    LayerState state();

    /**
     * Adds a member to a room: picks its name (the wanted one, or the first free {@code -2}, {@code -3}
     * suffix if another person goes by it), announces it to the room unless the same person is
     * already there under that name, and returns what the joiner needs, consistent with that moment:
     * the room's epoch, last offset, history and member list.
     *
     * <p>With a {@code resume} (null otherwise), the history is every message after the resume's offset
     * if the stream still has them all, is of the same epoch, and they are at most {@code maxRecover};
     * else the usual history, and the join says it did not recover.
     */
    RoomJoin joinRoom(String room, Member member, Resume resume) throws LayerUnavailable;

    /** Removes a member; the room hears of it once the person's last connection under that name has gone. */
    void leaveRoom(String room, Member member) throws LayerUnavailable;

    /** Renames a member (suffixed as in {@link #joinRoom}); returns the name it got. Everyone in the room is told. */
    String renameInRoom(String room, Member member, String wanted) throws LayerUnavailable;

    /**
     * Stores a room message at the room's next offset and delivers it to every server with members
     * there, as one step; a room with no members keeps it in its history too. A draft with a client id
     * that the same user already sent in the room within the dedup window is neither stored nor
     * delivered again: the answer is the first one's, marked {@link Published#repeated()}.
     */
    Published publish(ChatMessage draft) throws LayerUnavailable;

    /** Rooms with members, by name, with how many members (distinct names) each has. */
    Map<String, Integer> rooms() throws LayerUnavailable;

    /** Records a connection of {@code user} on this server: it receives the user's direct messages. */
    void userConnected(String user, String connectionId) throws LayerUnavailable;

    void userDisconnected(String user, String connectionId) throws LayerUnavailable;

    /**
     * Delivers a direct message to every connection of its receiver and of its sender, on every
     * server, unless the receiver has none. Returns how many connections the receiver has (0: offline).
     * With an {@code idempotencyKey} (null otherwise) that was sent to the same receiver within the
     * dedup window and reached it, nothing is sent again and the first answer is returned.
     */
    int sendDirect(DirectMessage message, String idempotencyKey) throws LayerUnavailable;

    /** Delivers raw text to every {@code /ws} connection on every server. */
    void broadcast(String text) throws LayerUnavailable;

    /**
     * The last measured round trip to the shared store, in seconds, for {@code /metrics}
     * ({@code wschat_layer_round_trip_seconds}); NaN for a layer without one (the in-memory layer).
     */
    default double roundTripSeconds() {
        return Double.NaN;
    }

    /** Stops delivering; on a shared store, removes this server's members from presence at once. */
    @Override
    void close();
}
