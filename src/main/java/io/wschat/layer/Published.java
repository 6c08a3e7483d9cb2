package io.wschat.layer;

import io.wschat.protocol.ChatMessage;

/**
 * A stored room message and how many connections it was sent to.
 *
 * @param message   the message with its offset
 * @param delivered connections in the room, on every server, when it was stored
 */
public record Published(ChatMessage message, int delivered) {
}
