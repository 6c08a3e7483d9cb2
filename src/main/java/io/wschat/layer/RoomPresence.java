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
 * rules, in {@code presence.lua}): names in joining order, each held by one person through one or
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
    private final LinkedHashMap<String, Holder> names = new LinkedHashMap<>();
    private final Map<String, String> nameByConnection = new HashMap<>();
    private long version;

    RoomPresence(String room) {
        this.room = room;
    }

    /** Adds the member under its wanted name or a suffixed one; announces the name if it is new to the room. */
    String join(Member m, Consumer<PresenceChange> announce) {
        String name = unusedName(m.name(), m.person());
        nameByConnection.put(m.connectionId(), name);
        if (add(name, m.person())) {
            announce.accept(PresenceChange.joined(room, name, ++version));
        }
        return name;
    }

    void leave(Member m, Consumer<PresenceChange> announce) {
        String name = nameByConnection.remove(m.connectionId());
        if (name != null && remove(name)) {
            announce.accept(PresenceChange.left(room, name, ++version));
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
            announce.accept(PresenceChange.renamed(room, old, name, ++version));
        } else {
            if (oldGone) {
                announce.accept(PresenceChange.left(room, old, ++version));
            }
            if (isNew) {
                announce.accept(PresenceChange.joined(room, name, ++version));
            }
        }
        return name;
    }

    List<String> members() {
        return new ArrayList<>(names.keySet());
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
