package io.wschat.hub;

import io.wschat.protocol.Frame;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** This server's connections of one user, or on the broadcast endpoint: a set to deliver to. */
final class Group {

    private final Set<Connection> members = new LinkedHashSet<>();

    synchronized void add(Connection c) {
        members.add(c);
    }

    /** Removes the connection; true if it was a member. */
    synchronized boolean remove(Connection c) {
        return members.remove(c);
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized List<String> ids() {
        return members.stream().map(Connection::id).toList();
    }

    /** Queues the frame to every member, then sends with the lock released; returns how many accepted it. */
    int deliver(Frame frame) {
        Connection[] receivers;
        int accepted = 0;
        synchronized (this) {
            receivers = members.toArray(new Connection[0]);
            for (Connection c : receivers) {
                if (c.enqueue(frame)) {
                    accepted++;
                }
            }
        }
        for (Connection c : receivers) {
            c.flush();
        }
        return accepted;
    }
}
