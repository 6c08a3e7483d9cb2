package io.wschat.layer;

import io.wschat.hub.GroupKey;
import io.wschat.hub.Registry;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.Frame;
import io.wschat.protocol.Frames;

/** The default layer: one server, everything in memory, delivery straight to the local registry. */
public final class InMemoryChannelLayer implements ChannelLayer {

    private final Registry registry;

    public InMemoryChannelLayer(Registry registry) {
        this.registry = registry;
    }

    @Override
    public int sendToRoom(ChatMessage message) {
        return registry.sayInRoom(message, Frames.chat(message));
    }

    @Override
    public int sendToGroup(GroupKey group, Frame frame) {
        return registry.send(group, frame);
    }

    @Override
    public void close() {
        // nothing held
    }
}
