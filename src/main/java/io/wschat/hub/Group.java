package io.wschat.hub;

import io.wschat.protocol.Frame;
import java.util.LinkedHashSet;
import java.util.Set;

/** This server's connections of one user, or on the broadcast endpoint: a set to deliver to. */
final class Group {

    private final Set<Connection> members = new LinkedHashSet<>();

    synchronized void add(Connection c) {
        members.add(c);
    }

    /** Removes the connection; true if none is left. */
    synchronized boolean remove(Connection c) {
        members.remove(c);
        return members.isEmpty();
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized int size() {
        return members.size();
    }

    synchronized java.util.List<String> ids() {
        return members.stream().map(Connection::id).toList();
    }

    /** Queues the frame to every member; returns how many accepted it. */
    synchronized int deliver(Frame frame) {
        int accepted = 0;
        for (Connection c : members) {
            if (c.send(frame)) {
                accepted++;
            }
        }
        return accepted;
    }
}
