package io.wschat.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Tokens;
import io.wschat.support.WsClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The page in real headless Chromium with the operations features: signed in by a token the web
 * application hands it (and renewed from the web application when it expires), and coming back
 * after the server it was on drains for a restart.
 */
class OpsPageIT {

    static ChatPage alice;

    @BeforeAll
    static void start() {
        alice = new ChatPage(Chromium.start(), "alice");
    }

    @AfterAll
    static void stop() {
        if (alice != null) {
            alice.driver.quit();
        }
    }

    /** The web application's token endpoint: a fresh token for its signed-in user (here always alice). */
    static final class TokenEndpoint extends HttpServlet {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            calls.incrementAndGet();
            response.setContentType("application/json");
            response.getWriter().write("{\"access_token\":\"" + Tokens.hs256(Tokens.claims("alice", 60)) + "\"}");
        }
    }

    /** A token-mode server that does not spend a drain window on the page still open when the test ends. */
    static Map<String, String> tokenServer(Tokens tokens) {
        Map<String, String> settings = new java.util.HashMap<>(tokens.serverSettings());
        settings.put("wschat.drainSeconds", "0");
        return settings;
    }

    @Test
    void thePageSignsInWithTheTokenItWasGivenAndRenewsItWhenItExpires() throws Exception {
        Tokens tokens = new Tokens();
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "/chat", tokenServer(tokens), null)) {
            TokenEndpoint renew = new TokenEndpoint();
            server.addServlet("/chat-token", renew);
            String shortLived = tokens.es256(Tokens.claims("alice", 10));
            alice.open("http://localhost:" + server.port() + "/chat/#access_token=" + shortLived + "&token_url=/chat/chat-token");
            assertFalse(alice.driver.getCurrentUrl().contains("access_token"), alice.driver.getCurrentUrl());
            assertTrue(alice.driver.getCurrentUrl().contains("token_url"), alice.driver.getCurrentUrl());

            alice.join("mallory", "signed-in", "alice"); // the token names the user, not the form
            String bobToken = Tokens.hs256(Tokens.claims("bob", 60));
            try (WsClient bob = WsClient.connect(URI.create("ws://localhost:" + server.port() + "/chat/ws/chat/signed-in"),
                    "Authorization", "Bearer " + bobToken)) {
                bob.awaitType("welcome");
                alice.waitForMembers(List.of("alice", "bob"));
                alice.say("signed in by my web app");
                assertEquals("alice", bob.await(j -> j.is("chat.message")).str("user"));

                // The short token runs out: the server closes with 4401, the page fetches a new token
                // from the web application and is back in the room without anyone doing anything.
                alice.waitUntil("the page asked the web application for a new token", () -> renew.calls.get() > 0);
                alice.waitForStatus("live");
                alice.waitUntil("the page says it reconnected",
                        () -> alice.driver.findElement(By.cssSelector("ol.messages[data-conversation='room']"))
                                .getText().contains("Reconnected."));
                alice.say("still here after my token expired");
                bob.await(j -> j.is("chat.message") && j.str("message").equals("still here after my token expired"));
            }
        }
    }

    @Test
    void withoutARenewalUrlAnExpiredTokenEndsTheVisitWithAReason() throws Exception {
        Tokens tokens = new Tokens();
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "/chat", tokenServer(tokens), null)) {
            alice.open("http://localhost:" + server.port() + "/chat/?access_token=" + Tokens.hs256(Tokens.claims("alice", 8)));
            assertFalse(alice.driver.getCurrentUrl().contains("access_token"), alice.driver.getCurrentUrl());
            alice.join("", "short-visit", "alice");
            alice.waitForStatus("refused");
            assertTrue(alice.driver.findElement(By.cssSelector("ol.messages[data-conversation='room']")).getText()
                    .contains("token expired: sign in again"));
        }
    }

    @Test
    void afterADrainThePageComesBackToTheNextServerOnItsOwn() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String page = "http://localhost:" + port + "/chat/";
        DevServer first = DevServer.start(DevServer.builtWar(), port, "/chat", Map.of("wschat.drainSeconds", "1"), null);
        DevServer second = null;
        try {
            alice.open(page).join("alice", "deploys");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    first.close(); // drains: the page is closed with 1012
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            alice.waitForStatus("reconnecting");
            stopped.get(20, TimeUnit.SECONDS);
            second = DevServer.start(DevServer.builtWar(), port, "/chat", Map.of("wschat.drainSeconds", "0"), null); // the new version
            try (WsClient observer = WsClient.connect(URI.create("ws://localhost:" + port + "/chat/ws/chat/deploys?name=observer"))) {
                observer.awaitType("welcome");
                alice.waitForStatus("live");
                // Either may have come first: the page's reconnect races the observer.
                alice.waitUntil("alice sees herself and the observer in the room",
                        () -> new java.util.HashSet<>(alice.members()).equals(java.util.Set.of("observer", "alice")));
                alice.say("back after the deploy");
                assertEquals("alice", observer.await(j -> j.is("chat.message")).str("user"));
            }
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

}
