package io.wschat.protocol;

import java.time.Instant;

/**
 * A message said in a room: what the room's members receive and what its stream keeps.
 *
 * @param room    the room it was said in
 * @param offset  its place in the room's stream: 1, 2, 3, ... without gaps, the same on every server;
 *                {@link #NOT_STORED} for a message the shared store could not take, which reached only
 *                the members on the server it was said on
 * @param user    who said it ({@value #SERVER_USER} for the push API)
 * @param message the text
 * @param ts      when the server accepted it
 */
public record ChatMessage(String room, long offset, String user, String message, Instant ts) {

    public static final String SERVER_USER = "server";

    /** The offset of a message that is in no stream. */
    public static final long NOT_STORED = 0;

    /** A message about to be said: the layer gives it its offset when it stores it. */
    public static ChatMessage draft(String room, String user, String message, Instant ts) {
        return new ChatMessage(room, NOT_STORED, user, message, ts);
    }

    public ChatMessage at(long newOffset) {
        return new ChatMessage(room, newOffset, user, message, ts);
    }

    public boolean stored() {
        return offset != NOT_STORED;
    }
}
