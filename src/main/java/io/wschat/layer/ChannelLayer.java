package io.wschat.layer;

import io.wschat.hub.GroupKey;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.Frame;

/**
 * How a message reaches a group: the seam between saying something and the servers that hold the
 * group's connections. Membership is always local (the {@link io.wschat.hub.Registry} of each
 * server); a layer decides which servers hear of a message. The in-memory layer delivers on this
 * server only; a layer over a shared broker would publish, and every server would deliver to its
 * own members.
 */
public interface ChannelLayer extends AutoCloseable {

    /** Delivers a room message (and keeps it in the room's history); returns connections reached here. */
    int sendToRoom(ChatMessage message);

    /** Delivers a frame to every member of a group; returns connections reached here. */
    int sendToGroup(GroupKey group, Frame frame);

    @Override
    void close();
}
