package io.wschat.protocol;

/**
 * A change in who is in a room, as every member is told of it: someone joined, left or was renamed.
 *
 * @param room    the room
 * @param kind    what happened
 * @param user    who joined or left, or the new name of who was renamed
 * @param from    the old name of who was renamed; null otherwise
 * @param version the room's presence version after this change: changes are numbered per room, so a
 *                member list taken at version V is brought up to date by exactly the changes after V
 */
public record PresenceChange(String room, Kind kind, String user, String from, long version) {

    public enum Kind { JOIN, LEAVE, RENAME }

    public static PresenceChange joined(String room, String user, long version) {
        return new PresenceChange(room, Kind.JOIN, user, null, version);
    }

    public static PresenceChange left(String room, String user, long version) {
        return new PresenceChange(room, Kind.LEAVE, user, null, version);
    }

    public static PresenceChange renamed(String room, String from, String to, long version) {
        return new PresenceChange(room, Kind.RENAME, to, from, version);
    }
}
