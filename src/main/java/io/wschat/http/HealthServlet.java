package io.wschat.http;

import io.wschat.app.ChatRuntime;
import io.wschat.hub.Registry;
import io.wschat.layer.ChannelLayer;
import io.wschat.layer.LayerState;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /health}: this server's status and counts, for load balancers and for people: 200 "UP";
 * 503 "DEGRADED" while the layer cannot reach what servers share; 503 "DRAINING" once a drain has
 * started, so that a load balancer stops sending clients here.
 */
@WebServlet("/health")
public class HealthServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ChatRuntime runtime = ChatRuntime.of(getServletContext());
        Registry registry = runtime.registry();
        ChannelLayer layer = runtime.layer();
        boolean up = layer.state() == LayerState.UP;
        boolean draining = runtime.drain().isDraining();
        // A degraded server refuses new room and user connections (1013): a load balancer should send them elsewhere.
        JsonResponses.send(response, up && !draining ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                JsonResponses.object()
                        .add("status", draining ? "DRAINING" : up ? "UP" : "DEGRADED")
                        .add("layer", layer.kind())
                        .add("connections", registry.connectionCount())
                        .add("rooms", registry.localRoomCount())
                        .add("groups", registry.groupCount())
                        .add("slowConsumersClosed", registry.slowConsumersClosed())
                        .build());
    }
}
