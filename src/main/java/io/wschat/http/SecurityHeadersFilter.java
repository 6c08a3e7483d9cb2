package io.wschat.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Adds browser hardening headers to every response. The chat page shows text typed by strangers, so
 * even if some day a message slipped into the DOM as HTML, the Content-Security-Policy keeps the
 * browser from running it: scripts only from this origin's files (no inline script, no {@code on...}
 * attributes, no eval), WebSocket connections allowed, nothing framed, no plugins.
 *
 * <p>The headers are set before the chain runs because a servlet may commit the response, after
 * which headers can no longer be added.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class SecurityHeadersFilter extends HttpFilter {

    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            // 'self' does not cover ws:/wss: in every browser, so the WebSocket schemes are listed.
            "connect-src 'self' ws: wss:",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // Serve files only as the type we declare: a text answer (GET /echo) never becomes HTML or script.
        response.setHeader("X-Content-Type-Options", "nosniff");
        // Links out of the page (a URL pasted in chat) should not tell other sites where the chat runs.
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }
}
