package io.wschat.hub;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The connections in one group and, for rooms, the last messages said there.
 *
 * <p>Every method holds the group's own monitor, so what a member sees is one order for the whole
 * group: a joining connection gets the history and then exactly the messages delivered after it,
 * with no gap and no repeat. Holding it is cheap because delivery only enqueues (see {@link Outbox}).
 * There is no lock wider than one group.
 */
final class Group {

    private final GroupKey key;
    private final int historySize;
    private final Set<Connection> members = new LinkedHashSet<>();
    private final ArrayDeque<ChatMessage> history = new ArrayDeque<>();

    Group(GroupKey key, int historySize) {
        this.key = key;
        this.historySize = historySize;
    }

    GroupKey key() {
        return key;
    }

    synchronized boolean add(Connection c) {
        return members.add(c);
    }

    synchronized boolean remove(Connection c) {
        return members.remove(c);
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized boolean contains(Connection c) {
        return members.contains(c);
    }

    /** Member names in joining order, each once however many connections (tabs) share it. */
    synchronized List<String> memberNames() {
        return members.stream().map(Connection::name).distinct().toList();
    }

    /** True if a member other than {@code except} goes by {@code name}. */
    synchronized boolean hasOtherMemberNamed(String name, Connection except) {
        for (Connection c : members) {
            if (c != except && c.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** True if a member other than {@code c}, and not the same person as {@code c}, goes by {@code name}. */
    synchronized boolean isTakenByAnotherPerson(String name, Connection c) {
        for (Connection m : members) {
            if (m != c && m.name().equals(name) && !m.person().equals(c.person())) {
                return true;
            }
        }
        return false;
    }

    synchronized List<ChatMessage> history() {
        return new ArrayList<>(history);
    }

    /** Queues the frame to every member; returns how many accepted it. */
    synchronized int deliver(Frame frame) {
        return deliverExcept(frame, null);
    }

    synchronized int deliverExcept(Frame frame, Connection except) {
        int accepted = 0;
        for (Connection c : members) {
            if (c != except && c.send(frame)) {
                accepted++;
            }
        }
        return accepted;
    }

    /** Records a room message in the history and delivers it, as one step. */
    synchronized int say(ChatMessage message, Frame frame) {
        if (historySize > 0) {
            if (history.size() == historySize) {
                history.removeFirst();
            }
            history.addLast(message);
        }
        return deliver(frame);
    }

    synchronized int size() {
        return members.size();
    }
}
