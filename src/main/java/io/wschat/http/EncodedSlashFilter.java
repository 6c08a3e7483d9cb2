package io.wschat.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Refuses any request whose path holds an encoded slash ({@code %2F}) with 400, on every container.
 *
 * <p>Why: a {@code %2F} turns into a {@code /} once decoded, so a room name or username that carries
 * one could change which path segment is which. Tomcat refuses such a request itself (400) before the
 * application sees it; Payara passes it on (Tyrus would then open the WebSocket and the endpoint
 * close it with 1008). Declared first in {@code web.xml}, this filter gives both the same answer.
 */
public class EncodedSlashFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (hasEncodedSlash(request.getRequestURI())) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("text/plain");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write("an encoded slash (%2F) in the path is not accepted\n");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Whether the raw (still percent-encoded) path holds {@code %2F} in either case. */
    static boolean hasEncodedSlash(String rawPath) {
        return rawPath != null && rawPath.toUpperCase(Locale.ROOT).contains("%2F");
    }
}
