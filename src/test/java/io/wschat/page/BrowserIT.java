package io.wschat.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The chat page in real headless Chromium against the real WAR in the server under test (Tomcat, or
 * Payara Micro with {@code -Ppayara}), deployed under the context path /chat (not /) so that nothing
 * in the page may assume the root.
 *
 * <p>Three browsers (alice, bob, carol) are started once and shared; every test loads the page
 * afresh and uses its own room, so the tests do not depend on each other's order.
 */
class BrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static ChatServer server;
    private static String pageUrl;
    private static ChatPage alice;
    private static ChatPage bob;
    private static ChatPage carol;

    @BeforeAll
    static void start() throws Exception {
        // A test client below says more at once than a person may (the default rate limit is for people).
        server = ChatServers.start(ChatServers.spec().contextPath("/chat").withCuts()
                .with(Map.of("wschat.messagesPerSecond", "1000", "wschat.messageBurst", "1000")));
        pageUrl = "http://localhost:" + server.port() + "/chat/";
        // Starting Chromium is the slow part: start the three side by side.
        List<CompletableFuture<ChromeDriver>> starting = Stream.generate(() -> CompletableFuture.supplyAsync(Chromium::start))
                .limit(3).toList();
        alice = new ChatPage(starting.get(0).join(), "alice");
        bob = new ChatPage(starting.get(1).join(), "bob");
        carol = new ChatPage(starting.get(2).join(), "carol");
    }

    @AfterAll
    static void stop() throws Exception {
        for (ChatPage page : new ChatPage[] {alice, bob, carol}) {
            if (page != null) {
                page.driver.quit();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoUsersSeeEachOtherAndEachOthersMessages() {
        alice.open(pageUrl).join("alice", "presence");
        bob.open(pageUrl).join("bob", "presence");

        alice.waitForMembers(List.of("alice", "bob"));
        bob.waitForMembers(List.of("alice", "bob"));
        alice.waitUntil("alice is told bob joined", () -> roomText(alice).contains("bob joined"));

        String hello = "Hello from alice: 你好，世界 🎉";
        alice.say(hello);
        bob.waitForMessage("room", "alice", hello);
        bob.say("hi alice");
        alice.waitForMessage("room", "bob", "hi alice");

        // Own messages are marked as such, on each side.
        assertEquals(List.of(true, false), mineFlags(alice));
        assertEquals(List.of(false, true), mineFlags(bob));
        alice.say("bye");
        bob.waitForMessage("room", "alice", "bye");
        bob.open(pageUrl); // leaves
        alice.waitForMembers(List.of("alice"));
        alice.waitUntil("alice is told bob left", () -> roomText(alice).contains("bob left"));
    }

    @Test
    void aLateJoinerSeesTheHistoryOnce() {
        alice.open(pageUrl).join("alice", "history");
        bob.open(pageUrl).join("bob", "history");
        alice.say("first");
        bob.say("second");
        alice.say("third");
        bob.waitForMessage("room", "alice", "third");

        carol.open(pageUrl).join("carol", "history");
        carol.waitForMessage("room", "alice", "third");
        assertEquals(List.of("first", "second", "third"), carol.texts("room"));
        carol.waitForMembers(List.of("alice", "bob", "carol"));
        alice.waitForMembers(List.of("alice", "bob", "carol"));

        carol.say("hello, I read the backlog");
        alice.waitForMessage("room", "carol", "hello, I read the backlog");
        assertEquals(List.of("first", "second", "third", "hello, I read the backlog"), carol.texts("room"));
    }

    @Test
    void aDirectMessageReachesOnlyItsTargetWithAnUnreadMark() {
        alice.open(pageUrl).join("alice", "whispers");
        bob.open(pageUrl).join("bob", "whispers");
        carol.open(pageUrl).join("carol", "whispers");
        alice.waitForMembers(List.of("alice", "bob", "carol"));

        alice.clickMember("bob");
        alice.say("psst, this is for bob only");
        alice.waitForMessage("dm:bob", "alice", "psst, this is for bob only"); // the server's copy to the sender

        bob.waitUntil("bob gets an unread mark from alice", () -> bob.unread("dm:alice") == 1);
        assertEquals(List.of(), bob.texts("room"), "a direct message must not land in the room");
        bob.showConversation("dm:alice");
        bob.waitForMessage("dm:alice", "alice", "psst, this is for bob only");
        bob.waitUntil("the mark goes once read", () -> bob.unread("dm:alice") == 0);

        // Sent after the first on the same connection of carol's, so if carol were to get the first,
        // it would already be on her screen when this one is.
        alice.clickMember("carol");
        alice.say("and this one for carol");
        carol.waitUntil("carol gets an unread mark from alice", () -> carol.unread("dm:alice") == 1);
        carol.showConversation("dm:alice");
        carol.waitForMessage("dm:alice", "alice", "and this one for carol");
        assertEquals(List.of("and this one for carol"), carol.texts("dm:alice"));
        assertFalse(carol.driver.findElement(By.tagName("body")).getText().contains("psst"));
        assertTrue(carol.driver.findElements(By.cssSelector("[data-conversation='dm:bob']")).isEmpty());
    }

    @Test
    void markupInAMessageIsShownAsTextAndNeverRuns() {
        String payload = "<img src=x onerror=alert(1)>";
        alice.open(pageUrl).join("alice", "xss");
        bob.open(pageUrl).join("bob", "xss");
        alice.say(payload);
        bob.waitForMessage("room", "alice", payload);
        alice.clickMember("bob");
        alice.say(payload);
        bob.showConversation("dm:alice");
        bob.waitForMessage("dm:alice", "alice", payload);

        for (ChatPage page : new ChatPage[] {alice, bob}) {
            assertThrows(NoAlertPresentException.class, () -> page.driver.switchTo().alert(), "an alert ran");
            assertTrue(page.driver.findElements(By.cssSelector("#panes img")).isEmpty(), "the payload became an element");
            // The message paragraph holds exactly one text node, and it is the payload, character for character.
            @SuppressWarnings("unchecked")
            List<String> textNodes = (List<String>) page.driver.executeScript("""
                    return [...document.querySelectorAll('#panes .text')].map(p =>
                      p.childNodes.length === 1 && p.firstChild.nodeType === Node.TEXT_NODE ? p.firstChild.data : null);
                    """);
            assertEquals(List.of(payload, payload), textNodes, page.who);
        }
    }

    @Test
    void everyResponseCarriesAPolicyThatForbidsInlineScript() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("", "index.html", "echo.html", "js/main.js", "api/rooms")) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(pageUrl + path)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(200, response.statusCode(), path);
            String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'"), path + ": " + csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), path + ": " + csp);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null), path);
        }

        // And the browser enforces it: an inline script added to the page does not run, it is reported.
        alice.open(pageUrl);
        alice.driver.executeScript("""
                window.violations = [];
                document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));
                const s = document.createElement('script');
                s.textContent = 'window.inlineRan = true';
                document.body.append(s);
                """);
        alice.waitUntil("the browser reports the blocked inline script",
                () -> !((List<?>) alice.driver.executeScript("return window.violations")).isEmpty());
        assertNull(alice.driver.executeScript("return window.inlineRan ?? null"));
    }

    @Test
    void aPageCutOffWhileOthersTalkAndWithAnUnsentMessageShowsEverythingOnceAfterItReconnects() throws Exception {
        alice.open(pageUrl).join("alice", "resumed");
        try (WsClient observer = roomMember(io.wschat.support.Http.ws(server.spareBase(), "/ws/chat/resumed?name=observer"))) {
            observer.send("{\"message\":\"one\"}");
            alice.waitForMessage("room", "observer", "one");

            server.cutConnections();
            // More than the room's usual history (50): only an exact resume brings all of them back.
            List<String> missed = java.util.stream.IntStream.rangeClosed(1, 60).mapToObj(i -> "missed " + i).toList();
            try {
                alice.waitForStatus("reconnecting");
                missed.forEach(text -> observer.send("{\"message\":\"" + text + "\"}"));
                alice.say("typed while cut off");
                alice.waitUntil("the unsent message shows as pending", () -> alice.driver.findElements(
                        By.cssSelector("ol.messages[data-conversation=room] li.message.pending")).size() == 1);
            } finally {
                server.restoreConnections();
            }
            alice.waitForStatus("live");
            alice.waitForMessage("room", "observer", "missed 60");
            alice.waitUntil("her message is acknowledged", () -> alice.driver.findElements(
                    By.cssSelector("ol.messages[data-conversation=room] li.pending")).isEmpty());
            List<String> expected = new java.util.ArrayList<>(List.of("one"));
            expected.addAll(missed);
            expected.add("typed while cut off");
            assertEquals(expected, alice.texts("room"), "every message once, hers once, in the room's order");
            assertFalse(roomText(alice).contains("may be missing"), "the rejoin recovered everything");
            for (int i = 0; i < 1 + missed.size(); i++) {
                observer.awaitType("chat.message"); // its own, echoed
            }
            assertEquals("typed while cut off", observer.awaitType("chat.message").str("message"));
            assertNull(observer.poll(java.time.Duration.ofMillis(300)), "the resent message was delivered once");
        }
    }

    @Test
    void aHandshakeTheServerLeavesUnansweredIsGivenUpAndTriedAgain() {
        alice.open(pageUrl);
        long waited;
        server.holdConnections();
        try {
            long start = System.nanoTime();
            alice.startJoining("alice", "stalled");
            // Without the page's own limit the browser would wait minutes, far past this wait's deadline.
            alice.waitForStatus("reconnecting");
            waited = System.nanoTime() - start;
        } finally {
            server.releaseConnections();
        }
        assertTrue(waited >= java.util.concurrent.TimeUnit.SECONDS.toNanos(9),
                "given up after its time limit (10 s), not refused: " + waited / 1_000_000 + " ms");
        alice.awaitJoined("alice");
    }

    @Test
    void afterTheServerDropsTheConnectionThePageReconnectsWithoutRepeatingHistory() throws Exception {
        alice.open(pageUrl).join("alice", "flaky");
        bob.open(pageUrl).join("bob", "flaky");
        // A member on a port the cut leaves alone keeps the room, and so its history, on the server:
        // the browsers will be sent the messages they already show again when they rejoin.
        URI spare = io.wschat.support.Http.ws(server.spareBase(), "/ws/chat/flaky?name=observer");
        try (WsClient observer = roomMember(spare)) {
            alice.waitForMembers(List.of("alice", "bob", "observer"));
            alice.say("before the cut, from alice");
            bob.say("before the cut, from bob");
            alice.waitForMessage("room", "bob", "before the cut, from bob");
            bob.waitForMessage("room", "alice", "before the cut, from alice");

            server.cutConnections();
            try {
                alice.waitForStatus("reconnecting");
                bob.waitForStatus("reconnecting");
            } finally {
                server.restoreConnections();
            }
            alice.waitForStatus("live");
            bob.waitForStatus("live");

            // Each rejoin replays the history first; a message sent after it proves the replay is in.
            alice.say("after the cut, from alice");
            bob.waitForMessage("room", "alice", "after the cut, from alice");
            bob.say("after the cut, from bob");
            alice.waitForMessage("room", "bob", "after the cut, from bob");
            List<String> expected = List.of("before the cut, from alice", "before the cut, from bob",
                    "after the cut, from alice", "after the cut, from bob");
            assertEquals(expected, alice.texts("room"));
            assertEquals(expected, bob.texts("room"));
            assertTrue(roomText(alice).contains("Reconnected."));
            alice.waitForMembersInAnyOrder(List.of("alice", "bob", "observer")); // no one twice either
            assertTrue(observer.seen().stream().anyMatch(f -> f.contains("after the cut, from bob")));
        }
    }

    @Test
    void theEchoPageShowsTheEcho() {
        alice.driver.get(pageUrl + "echo.html");
        WebElement input = alice.driver.findElement(By.id("echo-input"));
        input.clear();
        input.sendKeys("echo, echo 你好");
        alice.driver.findElement(By.id("echo-send")).click();
        alice.waitUntil("the echo is shown",
                () -> alice.driver.findElement(By.id("echo-output")).getText().equals("echo, echo 你好"));
    }

    @Test
    void screenshotsOfTheLobbyAndABusyRoom() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        alice.open(pageUrl).join("alice", "general");
        bob.open(pageUrl).join("bob", "general");
        try (WsClient kenji = roomClient("東京", "kenji"); WsClient sam = roomClient("random", "sam")) {
            carol.open(pageUrl);
            // Other tests' rooms may be listed too; these three must be, with their member counts.
            carol.waitUntil("the lobby lists the active rooms with member counts", () -> carol.driver
                    .findElements(By.cssSelector("#room-list .room")).stream().map(WebElement::getText).toList()
                    .containsAll(List.of("general\n2 online", "random\n1 online", "東京\n1 online")));
            screenshot(carol, "lobby");

            alice.say("Morning all! Release notes are up 🚀");
            bob.say("早上好！I'll read them after standup ☕");
            alice.say("Long message to check wrapping: " + "the quick brown fox jumps over the lazy dog ".repeat(5));
            carol.join("carol", "general");
            carol.say("<b>not bold</b> — markup shows as typed");
            bob.say("日本語もOK、한국어도 됩니다 👍");
            alice.waitForMessage("room", "bob", "日本語もOK、한국어도 됩니다 👍");
            bob.clickMember("alice");
            bob.say("lunch at 12?");
            alice.waitUntil("alice has an unread private message", () -> alice.unread("dm:bob") == 1);
            screenshot(alice, "room");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static WsClient roomClient(String room, String name) {
        String path = "ws/chat/" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "?name=" + name;
        return roomMember(URI.create(pageUrl.replace("http:", "ws:") + path));
    }

    /** A plain (non-browser) member, returned once welcomed: it keeps a room and its history alive. */
    private static WsClient roomMember(URI uri) {
        WsClient member = WsClient.connect(uri);
        member.awaitType("welcome");
        return member;
    }

    /** Saves the page as a desktop (1280x800) and as a phone (390x844) sees it. */
    private static void screenshot(ChatPage page, String name) throws Exception {
        try {
            for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
                boolean phone = size[0] < 600;
                Chromium.viewport(page.driver, size[0], size[1], phone);
                byte[] png = page.driver.getScreenshotAs(OutputType.BYTES);
                Path file = SCREENSHOTS.resolve(name + "-" + (phone ? "phone" : "desktop") + ".png");
                Files.write(file, png);
                assertNotNull(png);
                assertTrue(png.length > 1000, file + " looks empty");
            }
        } finally {
            page.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private static List<Boolean> mineFlags(ChatPage page) {
        return page.messages("room").stream().map(m -> (Boolean) m.get("mine")).toList();
    }

    private static String roomText(ChatPage page) {
        return page.driver.findElement(By.cssSelector("ol.messages[data-conversation='room']")).getText();
    }
}
