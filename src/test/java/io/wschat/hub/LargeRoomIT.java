package io.wschat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Await;
import io.wschat.support.Http;
import io.wschat.support.Json;
import io.wschat.support.RedisServer;
import io.wschat.support.WsClient;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Presence in a room larger than its list limit: joiners get the first names and the count, members
 * get a coalesced count instead of every join, the whole list comes back when the room shrinks to the
 * limit; and a join storm costs presence traffic in proportion to the members, not to their square.
 */
class LargeRoomIT {

    @Test
    void aRoomOverItsListLimitSendsCountsAndTheFirstNamesOnOneServer() throws Exception {
        try (DevServer s = DevServer.start(DevServer.builtWar(), 0, "", Map.of("wschat.presenceListLimit", "3"), null)) {
            URL base = new URL("http://127.0.0.1:" + s.port() + "/");
            largeRoomRules(List.of(base));
        }
    }

    @Test
    void aRoomOverItsListLimitSendsCountsAndTheFirstNamesAcrossServers() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = Map.of("wschat.presenceListLimit", "3", "wschat.layer", "redis",
                    "wschat.redisUrl", redis.url());
            try (DevServer a = DevServer.start(DevServer.builtWar(), 0, "", settings, null);
                 DevServer b = DevServer.start(DevServer.builtWar(), 0, "", settings, null)) {
                largeRoomRules(List.of(new URL("http://127.0.0.1:" + a.port() + "/"),
                        new URL("http://127.0.0.1:" + b.port() + "/")));
            }
        }
    }

    /** With a list limit of 3; members join through the servers in turn. */
    private static void largeRoomRules(List<URL> servers) {
        List<WsClient> members = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                members.add(join(servers.get(i % servers.size()), "m" + i));
            }
            Json join3 = members.get(0).awaitType("presence.join");
            assertEquals("m2", join3.str("user"));
            assertEquals(2, join3.integer("count"), "every change says how many members there are");
            assertEquals(3, members.get(0).awaitType("presence.join").integer("count"));

            WsClient fourth = join(servers.get(0), "m4");
            members.add(fourth);
            Json list = fourth.awaitType("presence.members");
            assertEquals(List.of("m1", "m2", "m3"), list.strings("members"), "the first names, up to the limit");
            assertEquals(4, list.integer("count"));
            Json count = members.get(0).await(j -> j.is("presence.count") || j.is("presence.join"));
            assertTrue(count.is("presence.count"), "over the limit, a count instead of the join: " + count.raw());
            assertEquals(4, count.integer("count"));

            for (int i = 5; i <= 8; i++) {
                members.add(join(servers.get(i % servers.size()), "m" + i));
            }
            WsClient first = members.get(0);
            Await.until("m1 is told there are 8", () -> first.seen().stream().map(Json::parse)
                    .anyMatch(j -> j.is("presence.count") && j.integer("count") == 8));
            long counts = first.seen().stream().map(Json::parse).filter(j -> j.is("presence.count")).count();
            assertTrue(counts < 5, "five joins were coalesced into fewer counts: " + counts);
            assertTrue(first.seen().stream().map(Json::parse).noneMatch(j -> j.is("presence.join")
                    && j.integer("count") > 3), "no single join is sent over the limit");

            for (int i = 8; i >= 4; i--) {
                members.remove(members.size() - 1).close();
            }
            Json back = first.await(j -> j.is("presence.members"));
            assertEquals(List.of("m1", "m2", "m3"), back.strings("members"), "back at the limit: the whole list");
            assertEquals(3, back.integer("count"));
        } finally {
            members.forEach(WsClient::close);
        }
    }

    /** Joins and waits for the welcome (the member list that follows is left for the test to read). */
    private static WsClient join(URL server, String name) {
        WsClient c = WsClient.connect(Http.ws(server, "/ws/chat/large?name=" + name));
        c.awaitType("welcome");
        return c;
    }

    @Test
    void aJoinStormCostsPresenceTrafficInProportionToTheMembers() throws Exception {
        int joiners = 400;
        try (DevServer s = DevServer.start(DevServer.builtWar(), 0, "", Map.of("wschat.maxConnectionsPerAddress", "1000"), null)) {
            URL base = new URL("http://127.0.0.1:" + s.port() + "/");
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<WsClient> all = new ArrayList<>();
            try {
                List<Future<WsClient>> joining = new ArrayList<>();
                for (int i = 0; i < joiners; i++) {
                    String name = "s" + i;
                    joining.add(pool.submit(() -> join(base, name)));
                }
                for (Future<WsClient> f : joining) {
                    all.add(f.get(60, TimeUnit.SECONDS));
                }
                Await.until("every member is told there are " + joiners, () -> all.stream().allMatch(c -> c.seen()
                        .stream().map(Json::parse).anyMatch(j -> j.has("count") && j.integer("count") == joiners)));
                long presenceFrames = all.stream().mapToLong(c -> c.seen().stream()
                        .filter(f -> f.startsWith("{\"type\":\"presence.")).count()).sum();
                long squared = (long) joiners * joiners / 2; // what one frame per join per member would cost
                assertTrue(presenceFrames < squared / 4, presenceFrames + " presence frames for " + joiners
                        + " joiners; one per join per member would be " + squared);
            } finally {
                all.forEach(WsClient::close);
                pool.shutdownNow();
            }
        }
    }
}
