package io.wschat.layer;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import io.wschat.protocol.PresenceChange;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ChannelLayer} tells the hub of this server to deliver to its own connections. Calls
 * for one room come in order (offsets, then presence versions, ascending); a layer never calls with a
 * hub lock held by the caller.
 */
public interface LayerListener {

    /** A stored room message. */
    void roomMessage(ChatMessage message);

    void presenceChanged(PresenceChange change);

    /** A direct message for the local connections of its receiver and of its sender. */
    void direct(DirectMessage message);

    void broadcast(String text);

    /**
     * The room's state as the shared store has it now, after this server lost touch with it or the
     * room's stream started over: the hub brings its members up to date (new epoch, member list) from
     * here on.
     */
    void roomResynced(String room, RoomJoin state);

    /** A member's name changed without it asking (its name was taken while this server was cut off). */
    void renamed(String room, String connectionId, String newName);

    /** This server's members, by room, for a layer that must announce them again. */
    Map<String, List<Member>> localRoomMembers();

    /** This server's {@code /ws/{username}} connection ids, by user. */
    Map<String, List<String>> localUserConnections();
}
