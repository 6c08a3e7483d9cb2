package io.wschat.security;

import io.wschat.app.ChatRuntime;
import io.wschat.hub.WebSocketImplementation;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import io.wschat.config.Settings;
import io.wschat.metrics.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Checks every WebSocket handshake before the container upgrades it: a draining server (503), the
 * Origin (403), in {@code token} identity mode the token (401), and the connection limits per client
 * address (429) and in total (503). Then hands the client address on to the endpoint (see
 * {@link HandshakeStamp}) and, in {@code token} mode, the verified user as the request's principal
 * ({@link TokenPrincipal}), with the token itself taken out of the request the container sees; and
 * unless {@code wschat.permessageDeflate} is on, it hides the client's offer of compression.
 * Other requests pass untouched.
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
    private final RefusalLog tokenLog = new RefusalLog(LOG);

    /** Whether the upgrade is Tomcat's (see {@link Admitted#getHeaderNames()}), known once the filter starts. */
    private boolean tomcatUpgrade;

    @Override
    public void init() {
        Object container = getServletContext().getAttribute(ServerContainer.class.getName());
        tomcatUpgrade = WebSocketImplementation.of(container) == WebSocketImplementation.TOMCAT;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ChatRuntime runtime = ChatRuntime.of(request.getServletContext());
        if (runtime == null || !isWebSocketUpgrade(request)) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        Metrics metrics = runtime.metrics();
        if (runtime.drain().isDraining()) {
            metrics.connectionRefused(Metrics.Refusal.DRAINING);
            // Clients come back through the load balancer to another server.
            response.setHeader("Retry-After", "5");
            refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "server draining: connect to another server");
            return;
        }
        Optional<String> refusal = runtime.originPolicy().refusal(request.getHeader("Origin"), request.getHeader("Host"));
        if (refusal.isPresent()) {
            metrics.connectionRefused(Metrics.Refusal.ORIGIN);
            originLog.log("refused WebSocket handshake from " + address + " to " + request.getRequestURI()
                    + " with 403: " + refusal.get());
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "origin not allowed: " + refusal.get());
            return;
        }
        TokenPrincipal principal = null;
        if (runtime.settings().identity() == Settings.IdentityMode.TOKEN) {
            try {
                principal = runtime.tokens().verify(request);
            } catch (TokenVerifier.Refused e) {
                metrics.connectionRefused(Metrics.Refusal.TOKEN);
                // The reason is fixed text: nothing of the token itself reaches the log or the client.
                tokenLog.log("refused WebSocket handshake from " + address + " to " + request.getRequestURI()
                        + " with 401: " + e.getMessage());
                response.setHeader("WWW-Authenticate", "Bearer realm=\"wschat\", error=\"invalid_token\"");
                refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "token refused: " + e.getMessage());
                return;
            }
        }
        switch (runtime.limits().check(address)) {
            case TOO_MANY_FROM_ADDRESS -> {
                metrics.connectionRefused(Metrics.Refusal.ADDRESS_LIMIT);
                limitLog.log("refused WebSocket handshake from " + address + " with 429: "
                        + runtime.settings().maxConnectionsPerAddress() + " connections from this address are open"
                        + " (wschat.maxConnectionsPerAddress)");
                response.setHeader("Retry-After", "5");
                refuse(response, 429, "too many connections from your address");
                return;
            }
            case TOO_MANY_IN_TOTAL -> {
                metrics.connectionRefused(Metrics.Refusal.TOTAL_LIMIT);
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
        chain.doFilter(new Admitted(request, runtime.handshakeStamp().stamp(address), principal,
                !runtime.settings().permessageDeflate(), tomcatUpgrade), response);
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

    /**
     * The request as the container's WebSocket upgrade sees it: this server's stamp header in place of
     * whatever the client sent under that name, and of the client's other headers only those of the
     * WebSocket handshake ({@link #UPGRADE_HEADERS}). Unless {@code wschat.permessageDeflate} is on, no
     * {@code Sec-WebSocket-Extensions} either (browsers always offer permessage-deflate, and Tomcat
     * accepting it gives the connection a zlib compressor and decompressor for its lifetime: about
     * 100 KiB of native memory each, five times what an idle connection costs without). With a verified
     * token: that token's user as the principal, and no {@code access_token} parameter (so the
     * container's session, which keeps the query for the connection's lifetime, never holds the token).
     *
     * <p>Why so few headers: the container keeps a copy of the headers the request lists for the
     * connection's lifetime (Tomcat's {@code WsHttpUpgradeHandler} holds the handshake request), about
     * 300 bytes of heap a header; a browser's cookies, user agent and language list cost about 2 KiB a
     * connection (measured with Chrome's headers and a 230-byte cookie), and nothing after the handshake
     * reads them. This filter has already read what it needs (the Origin, forwarded headers, a Bearer
     * token) from the request itself.
     */
    static final class Admitted extends HttpServletRequestWrapper {

        /**
         * The headers the upgrade reads (RFC 6455's handshake, the Origin that {@link ScopeCapture}
         * keeps), lower case. {@code Authorization} is not one: the container's authenticator has read
         * it before any filter, and a token mode's Bearer token was read here.
         */
        private static final Set<String> UPGRADE_HEADERS = Set.of("host", "upgrade", "connection", "origin",
                "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions");

        private static final String STAMP_HEADER = HandshakeStamp.HEADER.toLowerCase(Locale.ROOT);

        private final String stamp;
        private final TokenPrincipal principal;
        private final boolean declineExtensions;
        private final boolean tomcatUpgrade;

        Admitted(HttpServletRequest request, String stamp, TokenPrincipal principal, boolean declineExtensions,
                boolean tomcatUpgrade) {
            super(request);
            this.stamp = stamp;
            this.principal = principal;
            this.declineExtensions = declineExtensions;
            this.tomcatUpgrade = tomcatUpgrade;
        }

        private boolean isHidden(String header) {
            String name = header.toLowerCase(Locale.ROOT);
            return !UPGRADE_HEADERS.contains(name) || (declineExtensions && "sec-websocket-extensions".equals(name));
        }

        @Override
        public String getHeader(String name) {
            if (HandshakeStamp.HEADER.equalsIgnoreCase(name)) {
                return stamp;
            }
            return isHidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (HandshakeStamp.HEADER.equalsIgnoreCase(name)) {
                return Collections.enumeration(List.of(stamp));
            }
            return isHidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        /**
         * The names of the headers the container copies. Tomcat's upgrade reads each handshake header
         * by name ({@link #getHeader}) and copies the listed ones into the handshake request it keeps
         * for the connection's lifetime, where only the configurator reads them: so on Tomcat only the
         * one {@link ScopeCapture} reads, the stamp, is listed (the handshake's other headers cost 2 KiB
         * of heap a connection, measured at 10,000: a seventh of an idle connection). Tyrus builds its
         * handshake from the listed headers, so on any other container every header
         * {@link #getHeader} answers is listed.
         */
        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            if (!tomcatUpgrade) {
                for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                    String n = e.nextElement();
                    if (!isHidden(n)) {
                        names.add(n);
                    }
                }
            }
            names.add(STAMP_HEADER);
            return Collections.enumeration(names);
        }

        // ---- token mode: the verified user, and no token ----

        @Override
        public Principal getUserPrincipal() {
            return principal != null ? principal : super.getUserPrincipal();
        }

        @Override
        public String getRemoteUser() {
            return principal != null ? principal.getName() : super.getRemoteUser();
        }

        @Override
        public String getAuthType() {
            return principal != null ? "Bearer" : super.getAuthType();
        }

        @Override
        public String getQueryString() {
            String query = super.getQueryString();
            return principal == null || query == null ? query : BearerTokens.withoutAccessToken(query);
        }

        @Override
        public String getParameter(String name) {
            return isHiddenParameter(name) ? null : super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            return isHiddenParameter(name) ? null : super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            if (principal == null) {
                return super.getParameterMap();
            }
            Map<String, String[]> kept = new LinkedHashMap<>(super.getParameterMap());
            kept.remove(HandshakeScope.ACCESS_TOKEN);
            return Collections.unmodifiableMap(kept);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }

        private boolean isHiddenParameter(String name) {
            return principal != null && HandshakeScope.ACCESS_TOKEN.equals(name);
        }
    }
}
