package io.wschat.http;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The plain-HTTP side of {@code /echo}: {@code GET /echo?message=x} answers {@code x}. A WebSocket
 * upgrade to the same URL never gets here; the container hands it to the echo endpoint.
 */
@WebServlet({"/echo", "/echo/"})
public class EchoServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String message = request.getParameter("message");
        if (message == null) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "add ?message=... or open a WebSocket to this URL");
            return;
        }
        response.setContentType("text/plain");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        // The echo is text for whoever asked; nosniff keeps a browser from reading it as HTML.
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getWriter().write(message);
    }
}
