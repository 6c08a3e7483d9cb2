package io.wschat.http;

import io.wschat.app.ChatRuntime;
import io.wschat.ops.Drain;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Starts the server's {@link Drain}: on {@code POST /api/drain} (with the push token), and when the
 * web application stops.
 *
 * <p>Why the drain at shutdown lives in {@link #destroy()}: the Servlet specification has every
 * servlet destroyed before any {@code ServletContextListener} hears of the stop, and the container's
 * own WebSocket shutdown is such a listener (Tomcat's {@code WsContextListener}, added by its
 * initializer, hence called before the application's own listeners), which closes every session at
 * once with 1001 "The web application is stopping". So this servlet is loaded at start-up, and its
 * destroy runs the drain to its end first. By then the container no longer routes new requests to
 * the application, so a handshake during a shutdown drain gets no 503 from here; {@code POST
 * /api/drain} before the stop gives the 503s and the 503 health check the whole window.
 */
@WebServlet(urlPatterns = "/api/drain", loadOnStartup = 1)
public class DrainServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(DrainServlet.class.getName());

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ChatRuntime runtime = ChatRuntime.of(getServletContext());
        if (!PushToken.authorized(runtime.settings(), request, response)) {
            return;
        }
        int open = runtime.registry().connectionCount();
        if (runtime.drain().start()) {
            LOG.info("drain requested over HTTP by " + request.getRemoteAddr());
        }
        JsonResponses.send(response, HttpServletResponse.SC_ACCEPTED, JsonResponses.object()
                .add("status", "DRAINING")
                .add("connections", open)
                .add("drainSeconds", runtime.settings().drainSeconds())
                .build());
    }

    @Override
    public void destroy() {
        ChatRuntime runtime = ChatRuntime.of(getServletContext());
        if (runtime == null) {
            return;
        }
        try {
            runtime.drain().runToEnd(runtime.settings().closeTimeoutSeconds() * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
