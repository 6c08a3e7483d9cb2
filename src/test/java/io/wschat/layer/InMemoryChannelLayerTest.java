package io.wschat.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import io.wschat.protocol.PresenceChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory layer's own rules: how long a room's stream lives, and how many idle rooms it keeps. */
class InMemoryChannelLayerTest {

    static final long SECOND = 1_000_000_000L;
    static final int LIST_LIMIT = 3;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final List<Object> heard = new ArrayList<>();

    private InMemoryChannelLayer layer(int historySize, long ttlSeconds, int maxIdleRooms) {
        return layer(historySize, historySize, ttlSeconds, maxIdleRooms);
    }

    private InMemoryChannelLayer layer(int historySize, int maxRecover, long ttlSeconds, int maxIdleRooms) {
        InMemoryChannelLayer layer = new InMemoryChannelLayer(historySize, maxRecover, ttlSeconds, maxIdleRooms, 300,
                LIST_LIMIT, now::get);
        layer.start(new LayerListener() {
            @Override
            public void roomMessage(ChatMessage message) {
                heard.add(message);
            }

            @Override
            public void presenceChanged(PresenceChange change) {
                heard.add(change);
            }

            @Override
            public void direct(DirectMessage message) {
                heard.add(message);
            }

            @Override
            public void broadcast(String text) {
                heard.add(text);
            }

            @Override
            public void roomResynced(String room, RoomJoin state) {
                heard.add(state);
            }

            @Override
            public void renamed(String room, String connectionId, String newName) {
                heard.add(newName);
            }

            @Override
            public Map<String, List<Member>> localRoomMembers() {
                return Map.of();
            }

            @Override
            public Map<String, List<String>> localUserConnections() {
                return Map.of();
            }
        });
        return layer;
    }

    private static ChatMessage draft(String room, String text) {
        return ChatMessage.draft(room, "u", text, Instant.EPOCH, null);
    }

    private static Member member(String id, String name) {
        return new Member(id, name, "person-" + name);
    }

    @Test
    void aRoomKeepsItsHistoryAfterItsLastMemberLeavesUntilItsTimeToLive() {
        InMemoryChannelLayer layer = layer(10, 60, 100);
        RoomJoin first = layer.joinRoom("r", member("1", "ann"), null);
        layer.publish(draft("r", "one"));
        layer.leaveRoom("r", member("1", "ann"));
        assertEquals(Map.of(), layer.rooms(), "an empty room is not listed");

        now.addAndGet(59 * SECOND);
        RoomJoin again = layer.joinRoom("r", member("2", "bob"), null);
        assertEquals(first.epoch(), again.epoch());
        assertEquals(List.of("one"), again.history().stream().map(ChatMessage::message).toList());
        assertEquals(1, again.lastOffset());
        layer.leaveRoom("r", member("2", "bob"));

        now.addAndGet(61 * SECOND); // the join refreshed the time to live; now it has run out
        RoomJoin later = layer.joinRoom("r", member("3", "cat"), null);
        assertNotEquals(first.epoch(), later.epoch(), "the stream started over");
        assertEquals(0, later.lastOffset());
        assertEquals(List.of(), later.history());
        assertEquals(1, layer.publish(draft("r", "fresh")).message().offset(), "offsets from 1 again");
    }

    @Test
    void membersStillThereAreToldWhenTheStreamStartsOver() {
        InMemoryChannelLayer layer = layer(10, 60, 100);
        RoomJoin joined = layer.joinRoom("r", member("1", "ann"), null);
        heard.clear();
        now.addAndGet(61 * SECOND);
        layer.publish(draft("r", "after a long silence"));
        RoomJoin reset = (RoomJoin) heard.get(0);
        assertNotEquals(joined.epoch(), reset.epoch());
        assertEquals(1, ((ChatMessage) heard.get(1)).offset());
    }

    @Test
    void idleRoomsBeyondTheBoundAreLetGoLeastRecentlyUsedFirst() {
        InMemoryChannelLayer layer = layer(10, 3600, 2);
        for (String room : List.of("a", "b", "c")) {
            layer.joinRoom(room, member(room, "ann"), null);
            layer.publish(draft(room, "in " + room));
            now.addAndGet(SECOND);
        }
        layer.leaveRoom("a", member("a", "ann"));
        layer.leaveRoom("b", member("b", "ann"));
        layer.publish(draft("a", "a is used again")); // a is now more recently used than b
        layer.leaveRoom("c", member("c", "ann")); // three idle rooms, two allowed: b goes
        assertEquals(2, layer.roomsHeld());
        assertEquals(2, layer.joinRoom("a", member("x", "ann"), null).history().size(), "a kept its history");
        assertEquals(1, layer.joinRoom("c", member("y", "ann"), null).history().size(), "c kept its history");
        assertEquals(List.of(), layer.joinRoom("b", member("z", "ann"), null).history(), "b was let go");
    }

    @Test
    void aRoomWithMembersIsNeverLetGo() {
        InMemoryChannelLayer layer = layer(10, 3600, 0);
        layer.joinRoom("busy", member("1", "ann"), null);
        layer.publish(draft("busy", "kept"));
        layer.joinRoom("other", member("2", "bob"), null);
        layer.leaveRoom("other", member("2", "bob")); // idle rooms allowed: none; "other" goes, "busy" stays
        assertEquals(1, layer.roomsHeld());
        assertEquals(List.of("kept"), layer.joinRoom("busy", member("3", "cat"), null).history().stream()
                .map(ChatMessage::message).toList());
    }

    @Test
    void joinsAreAnnouncedOncePerNameAndSuffixedForAnotherPerson() {
        InMemoryChannelLayer layer = layer(10, 3600, 10);
        layer.joinRoom("r", new Member("1", "ann", "p1"), null);
        heard.clear();
        assertEquals("ann", layer.joinRoom("r", new Member("2", "ann", "p1"), null).name(), "a second tab");
        assertTrue(heard.isEmpty(), "not announced again: " + heard);
        RoomJoin other = layer.joinRoom("r", new Member("3", "ann", "p2"), null);
        assertEquals("ann-2", other.name());
        assertEquals(List.of("ann", "ann-2"), other.members());
        assertEquals(PresenceChange.joined("r", "ann-2", other.presenceVersion(), 2), heard.get(0));
    }

    @Test
    void aResumeGetsExactlyWhatWasMissedWhileTheStreamHasItAll() {
        InMemoryChannelLayer layer = layer(3, 10, 3600, 10);
        RoomJoin first = layer.joinRoom("r", member("1", "ann"), null);
        layer.joinRoom("r", member("2", "bob"), null); // keeps the room busy: it keeps maxRecover messages
        for (int i = 1; i <= 8; i++) {
            layer.publish(draft("r", "m" + i));
        }
        RoomJoin resumed = layer.joinRoom("r", member("3", "ann"), new Resume(2, first.epoch()));
        assertEquals(Boolean.TRUE, resumed.recovered());
        assertEquals(List.of("m3", "m4", "m5", "m6", "m7", "m8"), resumed.history().stream().map(ChatMessage::message).toList(),
                "every message after 2, more than the usual history of 3");

        assertEquals(List.of(), layer.joinRoom("r", member("4", "ann"), new Resume(8, first.epoch())).history(),
                "nothing missed: nothing replayed");
        RoomJoin wrongEpoch = layer.joinRoom("r", member("5", "ann"), new Resume(2, "other"));
        assertEquals(Boolean.FALSE, wrongEpoch.recovered());
        assertEquals(List.of("m6", "m7", "m8"), wrongEpoch.history().stream().map(ChatMessage::message).toList(),
                "the usual history instead");
        assertEquals(Boolean.FALSE, layer.joinRoom("r", member("6", "ann"), new Resume(9, first.epoch())).recovered(),
                "an offset the stream never reached");
        assertEquals(null, layer.joinRoom("r", member("7", "ann"), null).recovered(), "no resume asked");
    }

    @Test
    void aResumeFailsWhenMoreWasMissedThanTheBoundOrTheStreamKeeps() {
        InMemoryChannelLayer layer = layer(3, 5, 3600, 10);
        RoomJoin first = layer.joinRoom("r", member("1", "ann"), null);
        for (int i = 1; i <= 12; i++) {
            layer.publish(draft("r", "m" + i));
        }
        assertEquals(Boolean.FALSE, layer.joinRoom("r", member("2", "bob"), new Resume(6, first.epoch())).recovered(),
                "6 missed, 5 allowed");
        assertEquals(Boolean.TRUE, layer.joinRoom("r", member("3", "bob"), new Resume(7, first.epoch())).recovered());
    }

    @Test
    void aRepeatedClientIdIsStoredOnceAndAnsweredAsTheFirst() {
        InMemoryChannelLayer layer = layer(10, 3600, 10);
        layer.joinRoom("r", member("1", "ann"), null);
        heard.clear();
        ChatMessage once = ChatMessage.draft("r", "ann", "hi", Instant.EPOCH, "cid-1");
        Published first = layer.publish(once);
        Published again = layer.publish(once);
        Published third = layer.publish(once);
        assertEquals(List.of(false, true, true), List.of(first.repeated(), again.repeated(), third.repeated()));
        assertEquals(first.message().offset(), again.message().offset());
        assertEquals(first.message().offset(), third.message().offset());
        assertEquals(1, heard.size(), "delivered once: " + heard);
        assertEquals(false, layer.publish(ChatMessage.draft("r", "bob", "hi", Instant.EPOCH, "cid-1")).repeated(),
                "another user's id is another id");
        now.addAndGet(301 * SECOND);
        assertEquals(false, layer.publish(once).repeated(), "forgotten after the dedup window");
    }

    @Test
    void memberListsHoldTheFirstNamesUpToTheLimitAndTheCountSaysHowManyThereAre() {
        InMemoryChannelLayer layer = layer(10, 3600, 10);
        for (String n : List.of("a", "b", "c", "d", "e")) {
            layer.joinRoom("big", new Member(n, n, n), null);
        }
        RoomJoin joined = layer.joinRoom("big", new Member("f", "f", "f"), null);
        assertEquals(List.of("a", "b", "c"), joined.members(), "the first names, in joining order");
        assertEquals(6, joined.memberCount());
        heard.clear();
        layer.leaveRoom("big", new Member("f", "f", "f"));
        layer.leaveRoom("big", new Member("e", "e", "e"));
        layer.leaveRoom("big", new Member("a", "a", "a")); // back to the limit: the whole list comes with it
        assertEquals(List.of(5, 4, 3), heard.stream().map(c -> ((PresenceChange) c).count()).toList());
        assertEquals(null, ((PresenceChange) heard.get(1)).members());
        assertEquals(List.of("b", "c", "d"), ((PresenceChange) heard.get(2)).members());
    }
}
