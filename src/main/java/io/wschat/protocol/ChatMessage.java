package io.wschat.protocol;

import java.time.Instant;

/**
 * A message said in a room: what the room's members receive and what its history keeps.
 *
 * @param id      unique on this server, so clients can tell a replayed message from a new one
 * @param room    the room it was said in
 * @param user    who said it ({@value #SERVER_USER} for the push API)
 * @param message the text
 * @param ts      when the server accepted it
 */
public record ChatMessage(String id, String room, String user, String message, Instant ts) {

    public static final String SERVER_USER = "server";
}
