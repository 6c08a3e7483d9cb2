package io.wschat.layer;

import io.wschat.protocol.ChatMessage;

/**
 * A stored room message and how many connections it was sent to.
 *
 * @param message   the message with its offset
 * @param delivered connections in the room, on every server, when it was stored
 * @param repeated  the same user sent the same client id in this room within the dedup window: this is
 *                  the first send's answer, and nothing was stored or delivered now
 */
public record Published(ChatMessage message, int delivered, boolean repeated) {
}
