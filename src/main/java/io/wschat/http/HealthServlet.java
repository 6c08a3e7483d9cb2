package io.wschat.http;

import io.wschat.app.ChatRuntime;
import io.wschat.hub.Registry;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /health}: 200 with the server's status, for load balancers and for people; 503
 * {@code DRAINING} once a drain has started, so that a load balancer stops sending clients here.
 */
@WebServlet("/health")
public class HealthServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ChatRuntime runtime = ChatRuntime.of(getServletContext());
        Registry registry = runtime.registry();
        boolean draining = runtime.drain().isDraining();
        JsonResponses.send(response, draining ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK,
                JsonResponses.object()
                .add("status", draining ? "DRAINING" : "UP")
                .add("connections", registry.connectionCount())
                .add("rooms", registry.rooms().size())
                .add("groups", registry.groupCount())
                .add("slowConsumersClosed", registry.slowConsumersClosed())
                .build());
    }
}
