package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.junit.jupiter.api.Test;

/**
 * What of a browser's handshake the container's WebSocket upgrade gets to see, and so keeps for the
 * connection's lifetime: the handshake's own headers and this server's stamp, no cookie, user agent or
 * credentials (and on Tomcat, whose upgrade reads headers by name, only the two the configurator
 * reads are listed). A real Tomcat request, as the filter gets it.
 */
class UpgradeViewTest {

    private static final Map<String, String> BROWSER = Map.ofEntries(
            Map.entry("Host", "chat.example.com"),
            Map.entry("Connection", "Upgrade"),
            Map.entry("Upgrade", "websocket"),
            Map.entry("Origin", "https://chat.example.com"),
            Map.entry("Sec-WebSocket-Version", "13"),
            Map.entry("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            Map.entry("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
            Map.entry("Pragma", "no-cache"),
            Map.entry("Cache-Control", "no-cache"),
            Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"),
            Map.entry("Accept-Encoding", "gzip, deflate, br, zstd"),
            Map.entry("Accept-Language", "en-US,en;q=0.9"),
            Map.entry("Cookie", "JSESSIONID=8F3A1C2B9D7E6F5A; theme=dark"),
            Map.entry("Authorization", "Basic YWxpY2U6c2VjcmV0"),
            Map.entry(HandshakeStamp.HEADER, "forged by the client"));

    @Test
    void theUpgradeSeesOnlyTheHandshakeHeadersAndTheStamp() {
        HandshakeFilter.Admitted view = new HandshakeFilter.Admitted(browserRequest(), "stamp-1", null, true, false);
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(Collections.list(view.getHeaderNames()));
        assertEquals(new TreeSet<>(Set.of("connection", "host", "origin", "sec-websocket-key", "sec-websocket-version",
                "upgrade", HandshakeStamp.HEADER.toLowerCase())), lower(names));
        assertEquals("https://chat.example.com", view.getHeader("Origin"));
        assertEquals("stamp-1", view.getHeader(HandshakeStamp.HEADER), "this server's stamp, not the client's");
        for (String hidden : new String[] {"Cookie", "User-Agent", "Authorization", "Accept-Language", "Sec-WebSocket-Extensions"}) {
            assertNull(view.getHeader(hidden), hidden);
            assertEquals(0, Collections.list(view.getHeaders(hidden)).size(), hidden);
        }
    }

    @Test
    void onTomcatOnlyTheHeaderTheConfiguratorReadsIsListedAndTheHandshakeOnesStillAnswer() {
        HandshakeFilter.Admitted view = new HandshakeFilter.Admitted(browserRequest(), "stamp-1", null, true, true);
        assertEquals(Set.of(HandshakeStamp.HEADER.toLowerCase()), Set.copyOf(Collections.list(view.getHeaderNames())),
                "what Tomcat copies into the handshake request it keeps");
        assertEquals("dGhlIHNhbXBsZSBub25jZQ==", view.getHeader("Sec-WebSocket-Key"), "what Tomcat's upgrade reads by name");
        assertEquals(List.of("13"), Collections.list(view.getHeaders("Sec-WebSocket-Version")));
        assertEquals("https://chat.example.com", view.getHeader("Origin"));
        assertEquals("stamp-1", view.getHeader(HandshakeStamp.HEADER));
        assertNull(view.getHeader("Cookie"));
        assertNull(view.getHeader("Sec-WebSocket-Extensions"));
    }

    @Test
    void theCompressionOfferPassesWhenCompressionIsOn() {
        HandshakeFilter.Admitted view = new HandshakeFilter.Admitted(browserRequest(), "stamp-1", null, false, false);
        assertEquals("permessage-deflate; client_max_window_bits", view.getHeader("sec-websocket-extensions"));
        assertNull(view.getHeader("Cookie"));
    }

    private static Set<String> lower(Set<String> names) {
        Set<String> out = new TreeSet<>();
        names.forEach(n -> out.add(n.toLowerCase()));
        return out;
    }

    private static Request browserRequest() {
        org.apache.coyote.Request coyote = new org.apache.coyote.Request();
        BROWSER.forEach((name, value) -> coyote.getMimeHeaders().addValue(name).setString(value));
        Request request = new Request(new Connector());
        request.setCoyoteRequest(coyote);
        return request;
    }
}
