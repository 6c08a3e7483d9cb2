package io.wschat.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which client addresses count as this machine for {@code /metrics} without a token. */
class MetricsAccessTest {

    @Test
    void loopbackLiteralsOnly() {
        assertTrue(MetricsServlet.isLoopback("127.0.0.1"));
        assertTrue(MetricsServlet.isLoopback("127.0.0.2"));
        assertTrue(MetricsServlet.isLoopback("0:0:0:0:0:0:0:1"));
        assertTrue(MetricsServlet.isLoopback("::1"));
        assertFalse(MetricsServlet.isLoopback("10.0.0.1"));
        assertFalse(MetricsServlet.isLoopback("203.0.113.9"));
        assertFalse(MetricsServlet.isLoopback("2001:db8::1"));
        assertFalse(MetricsServlet.isLoopback("localhost"), "a name, not an address: never looked up");
        assertFalse(MetricsServlet.isLoopback(""));
        assertFalse(MetricsServlet.isLoopback(null));
    }
}
