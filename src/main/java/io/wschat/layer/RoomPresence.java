package io.wschat.layer;

import io.wschat.protocol.Names;
import io.wschat.protocol.PresenceChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who is in one room, for the in-memory layer (the Redis layer keeps the same in Redis, with the same
 * rules, in {@code common.lua} and the join, leave and rename scripts): names in joining order, each held by one person through one or
 * more connections, and a version counting the changes.
 *
 * <p>Not thread-safe: the layer calls it under the room's lock.
 */
final class RoomPresence {

    private static final class Holder {
        final String person;
        int connections;

        Holder(String person) {
            this.person = person;
        }
    }

    private final String room;
    private final int listLimit;
    private final LinkedHashMap<String, Holder> names = new LinkedHashMap<>();
    private final Map<String, String> nameByConnection = new HashMap<>();
    private long version;

    /** @param listLimit how many names a member list holds at most (see {@link #members()}) */
    RoomPresence(String room, int listLimit) {
        this.room = room;
        this.listLimit = listLimit;
    }

    /** Adds the member under its wanted name or a suffixed one; announces the name if it is new to the room. */
    String join(Member m, Consumer<PresenceChange> announce) {
        String name = unusedName(m.name(), m.person());
        nameByConnection.put(m.connectionId(), name);
        if (add(name, m.person())) {
            announce.accept(PresenceChange.joined(room, name, ++version, names.size()));
        }
        return name;
    }

    void leave(Member m, Consumer<PresenceChange> announce) {
        String name = nameByConnection.remove(m.connectionId());
        if (name != null && remove(name)) {
            announce.accept(left(name));
        }
    }

    /**
     * Renames a member: one rename when the old name goes and the new one is new; otherwise the
     * membership changes as they are (a leave if the old name goes, a join if the new one is new).
     */
    String rename(Member m, String wanted, Consumer<PresenceChange> announce) {
        String old = nameByConnection.get(m.connectionId());
        if (old == null) {
            return wanted; // not (or no longer) in the room
        }
        String name = unusedName(wanted, m.person());
        if (name.equals(old)) {
            return name;
        }
        nameByConnection.put(m.connectionId(), name);
        boolean oldGone = remove(old);
        boolean isNew = add(name, m.person());
        if (oldGone && isNew) {
            announce.accept(PresenceChange.renamed(room, old, name, ++version, names.size()));
        } else {
            if (oldGone) {
                announce.accept(left(old));
            }
            if (isNew) {
                announce.accept(PresenceChange.joined(room, name, ++version, names.size()));
            }
        }
        return name;
    }

    /**
     * A leave, with the whole member list if it brought the room back to its list limit: members of
     * a larger room are told only how many there are, so their lists lack whoever joined meanwhile.
     */
    private PresenceChange left(String name) {
        return PresenceChange.left(room, name, ++version, names.size(), names.size() == listLimit ? members() : null);
    }

    /** The first names, in joining order, at most the list limit: a large room's list is its count. */
    List<String> members() {
        List<String> out = new ArrayList<>(Math.min(listLimit, names.size()));
        for (String name : names.keySet()) {
            if (out.size() == listLimit) {
                break;
            }
            out.add(name);
        }
        return out;
    }

    long version() {
        return version;
    }

    int connectionCount() {
        return nameByConnection.size();
    }

    int memberCount() {
        return names.size();
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    private String unusedName(String wanted, String person) {
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? wanted : Names.suffixed(wanted, n);
            Holder h = names.get(candidate);
            if (h == null || h.person.equals(person)) {
                return candidate;
            }
        }
    }

    /** True if the name is new to the room. */
    private boolean add(String name, String person) {
        Holder h = names.computeIfAbsent(name, k -> new Holder(person));
        return ++h.connections == 1;
    }

    /** True if the name has left the room (its last connection gone). */
    private boolean remove(String name) {
        Holder h = names.get(name);
        if (h == null || --h.connections > 0) {
            return false;
        }
        names.remove(name);
        return true;
    }
}
