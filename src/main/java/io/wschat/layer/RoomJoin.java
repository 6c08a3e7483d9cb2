package io.wschat.layer;

import io.wschat.protocol.ChatMessage;
import java.util.List;

/**
 * A room as a joining connection sees it, taken in one step with its joining: the joiner gets the
 * history (every message up to {@code lastOffset}) and the member list (as of {@code presenceVersion}),
 * then exactly the messages and presence changes after those.
 *
 * @param name            the name the joiner got
 * @param epoch           the room stream's epoch: it changes when the stream is lost or reset, and
 *                        offsets start over with it
 * @param lastOffset      the offset of the last message stored in the room (0: none)
 * @param presenceVersion the room's presence version the member list is at
 * @param members         member names in joining order, at most the list limit's first
 * @param memberCount     how many members (names) the room has
 * @param history         the last messages, oldest first, ending at {@code lastOffset}: every message
 *                        after the resume's offset if {@code recovered}, else the room's usual history
 * @param recovered       for a join that asked to resume, whether it could; null for one that did not ask
 */
public record RoomJoin(String name, String epoch, long lastOffset, long presenceVersion, List<String> members,
        int memberCount, List<ChatMessage> history, Boolean recovered) {

    public RoomJoin {
        members = List.copyOf(members);
        history = List.copyOf(history);
    }
}
