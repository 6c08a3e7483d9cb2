package io.wschat.page;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschat.DevServer;
import io.wschat.support.Http;
import io.wschat.support.Nginx;
import io.wschat.support.RedisServer;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The chat page in real Chromium through a real nginx in front of two servers on one Redis, round
 * robin without sticky sessions: two people whose rooms landed on different servers chat and see
 * each other, and a third who comes later sees the history.
 */
class ClusterBrowserIT {

    /** How often a person may rejoin until the room connection lands on the wanted server (round robin: soon). */
    static final int MAX_TRIES = 10;

    @Test
    void peopleOnDifferentServersChatSeeEachOtherAndLateComersGetTheHistory() throws Exception {
        List<CompletableFuture<org.openqa.selenium.chrome.ChromeDriver>> starting =
                Stream.generate(() -> CompletableFuture.supplyAsync(Chromium::start)).limit(3).toList();
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = Map.of("wschat.layer", "redis", "wschat.redisUrl", redis.url());
            try (DevServer a = DevServer.start(DevServer.builtWar(), 0, "", settings, null);
                 DevServer b = DevServer.start(DevServer.builtWar(), 0, "", settings, null);
                 Nginx nginx = Nginx.start(60, a.port(), b.port())) {
                URL baseA = new URL("http://127.0.0.1:" + a.port() + "/");
                URL baseB = new URL("http://127.0.0.1:" + b.port() + "/");
                String page = "http://127.0.0.1:" + nginx.port() + "/";
                ChatPage alice = new ChatPage(starting.get(0).join(), "alice");
                ChatPage bob = new ChatPage(starting.get(1).join(), "bob");
                ChatPage carol = new ChatPage(starting.get(2).join(), "carol");
                try {
                    alice.open(page).join("alice", "across");
                    URL aliceServer = Http.health(baseA).integer("rooms") == 1 ? baseA : baseB;
                    URL otherServer = aliceServer == baseA ? baseB : baseA;
                    // Bob joins until his room connection is on the other server (nginx alternates).
                    int tries = 0;
                    do {
                        bob.open(page).join("bob", "across");
                        tries++;
                    } while (Http.health(otherServer).integer("rooms") == 0 && tries < MAX_TRIES);
                    assertEquals(1, Http.health(otherServer).integer("rooms"), "bob's room connection is on the other server");
                    assertEquals(1, Http.health(aliceServer).integer("rooms"), "alice's is still on hers");

                    alice.waitForMembers(List.of("alice", "bob"));
                    bob.waitForMembers(List.of("alice", "bob"));
                    alice.say("hello from one server");
                    bob.waitForMessage("room", "alice", "hello from one server");
                    bob.say("and hello from the other");
                    alice.waitForMessage("room", "bob", "and hello from the other");

                    carol.open(page).join("carol", "across");
                    carol.waitForMessage("room", "alice", "hello from one server");
                    carol.waitForMessage("room", "bob", "and hello from the other");
                    carol.waitForMembers(List.of("alice", "bob", "carol"));
                    alice.waitForMembers(List.of("alice", "bob", "carol"));
                    assertEquals(List.of("hello from one server", "and hello from the other"), carol.texts("room"),
                            "the history, once each, in the order said");

                    // Redis goes away: what alice says cannot reach bob's server. Her page says so and
                    // offers to send it again; once Redis is back, Resend delivers it, once.
                    redis.stop();
                    io.wschat.support.Await.until("both servers DEGRADED", () -> Http.get(baseA, "/health").statusCode() == 503
                            && Http.get(baseB, "/health").statusCode() == 503);
                    alice.say("said while Redis was down");
                    By failed = By.cssSelector("ol.messages[data-conversation=room] li.message.failed");
                    alice.waitUntil("the message shows as not delivered to everyone", () -> alice.driver.findElements(failed)
                            .stream().anyMatch(li -> li.getText().contains("Not delivered to everyone")));
                    redis.startAgain();
                    io.wschat.support.Await.until("both servers UP again", () -> Http.get(baseA, "/health").statusCode() == 200
                            && Http.get(baseB, "/health").statusCode() == 200);
                    assertEquals(0, bob.count("room", "said while Redis was down"), "it never reached bob's server");
                    alice.driver.findElement(By.cssSelector("ol.messages[data-conversation=room] li.failed button.resend")).click();
                    bob.waitForMessage("room", "alice", "said while Redis was down");
                    alice.waitUntil("alice's copy is no longer marked failed",
                            () -> alice.driver.findElements(failed).isEmpty());
                    assertEquals(1, bob.count("room", "said while Redis was down"));
                } finally {
                    for (ChatPage p : List.of(alice, bob, carol)) {
                        p.driver.quit();
                    }
                }
            }
        }
    }
}
