package io.wschat.security;

import io.wschat.app.ChatRuntime;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Checks every WebSocket handshake before the container upgrades it: the Origin (403), and the
 * connection limits per client address (429) and in total (503). Then hands the client address on to
 * the endpoint (see {@link HandshakeStamp}). Other requests pass untouched.
 *
 * <p>Why a servlet filter: filters declared in {@code web.xml} run before the container's own
 * WebSocket filter (Tomcat's {@code WsFilter}, Tyrus's servlet filter), so a refused handshake costs
 * one small HTTP response and never becomes a connection; and unlike the WebSocket API's
 * {@code checkOrigin}, a filter sees the Host header and the client address, and chooses the status.
 */
public class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());

    private final RefusalLog originLog = new RefusalLog(LOG);
    private final RefusalLog limitLog = new RefusalLog(LOG);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ChatRuntime runtime = ChatRuntime.of(request.getServletContext());
        if (runtime == null || !isWebSocketUpgrade(request)) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        Optional<String> refusal = runtime.originPolicy().refusal(request.getHeader("Origin"), request.getHeader("Host"));
        if (refusal.isPresent()) {
            originLog.log("refused WebSocket handshake from " + address + " to " + request.getRequestURI()
                    + " with 403: " + refusal.get());
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "origin not allowed: " + refusal.get());
            return;
        }
        switch (runtime.limits().check(address)) {
            case TOO_MANY_FROM_ADDRESS -> {
                limitLog.log("refused WebSocket handshake from " + address + " with 429: "
                        + runtime.settings().maxConnectionsPerAddress() + " connections from this address are open"
                        + " (wschat.maxConnectionsPerAddress)");
                response.setHeader("Retry-After", "5");
                refuse(response, 429, "too many connections from your address");
                return;
            }
            case TOO_MANY_IN_TOTAL -> {
                limitLog.log("refused WebSocket handshake from " + address + " with 503: "
                        + runtime.settings().maxConnections() + " connections are open (wschat.maxConnections)");
                response.setHeader("Retry-After", "5");
                refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "server at its connection limit");
                return;
            }
            case OK -> {
                // go on
            }
        }
        chain.doFilter(new Stamped(request, runtime.handshakeStamp().stamp(address)), response);
    }

    /** As Tomcat's and Tyrus's filters judge it: a GET whose Upgrade header lists {@code websocket}. */
    static boolean isWebSocketUpgrade(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        Enumeration<String> upgrades = request.getHeaders("Upgrade");
        while (upgrades != null && upgrades.hasMoreElements()) {
            for (String token : upgrades.nextElement().split(",")) {
                if (token.trim().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void refuse(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(text + "\n");
    }

    /** The request with this server's stamp header in place of whatever the client sent under that name. */
    private static final class Stamped extends HttpServletRequestWrapper {

        private final String stamp;

        Stamped(HttpServletRequest request, String stamp) {
            super(request);
            this.stamp = stamp;
        }

        private static boolean isStamp(String name) {
            return HandshakeStamp.HEADER.equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return isStamp(name) ? stamp : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return isStamp(name) ? Collections.enumeration(List.of(stamp)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new java.util.ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String n = e.nextElement();
                if (!isStamp(n)) {
                    names.add(n);
                }
            }
            names.add(HandshakeStamp.HEADER.toLowerCase(Locale.ROOT));
            return Collections.enumeration(names);
        }
    }
}
