package io.wschat.http;

import io.wschat.api.Delivery;
import io.wschat.api.Messenger;
import io.wschat.app.ChatRuntime;
import io.wschat.config.Settings;
import io.wschat.protocol.ClientIds;
import io.wschat.layer.LayerUnavailable;
import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Inbound;
import io.wschat.protocol.Json;
import io.wschat.protocol.Names;
import io.wschat.protocol.ProtocolException;
import io.wschat.security.RoomAccess;
import io.wschat.security.TokenVerifier;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP API: {@code GET /api/rooms} (public, feeds the lobby; in {@code token} identity mode it
 * needs a token and lists only the rooms that token allows) and the push operations
 * {@code POST /api/rooms/{room}/messages} and {@code POST /api/users/{username}/messages},
 * which need the configured bearer token.
 */
@WebServlet("/api/*")
public class ApiServlet extends HttpServlet {

    private static final Pattern PUSH = Pattern.compile("/(rooms|users)/([^/]+)/messages/?");
    private static final int MAX_BODY_CHARS = 1 << 20;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (!"/rooms".equals(path) && !"/rooms/".equals(path)) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "not_found", "no such resource");
            return;
        }
        ChatRuntime runtime = ChatRuntime.of(getServletContext());
        RoomAccess access = RoomAccess.ANY;
        if (runtime.settings().identity() == Settings.IdentityMode.TOKEN) {
            // Private rooms stay private: the list needs a token and shows only the rooms it allows.
            try {
                access = runtime.tokens().verify(request).rooms();
            } catch (TokenVerifier.Refused e) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"wschat\", error=\"invalid_token\"");
                JsonResponses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "token refused: " + e.getMessage());
                return;
            }
        }
        Map<String, Integer> active;
        try {
            active = runtime.layer().rooms();
        } catch (LayerUnavailable e) {
            JsonResponses.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, ErrorCode.UNAVAILABLE.wire(),
                    "the servers' shared state is unreachable; try again later");
            return;
        }
        JsonArrayBuilder rooms = Json.BUILDERS.createArrayBuilder();
        RoomAccess visible = access;
        active.forEach((name, members) -> {
            if (visible.allows(name)) {
                rooms.add(JsonResponses.object().add("name", name).add("members", members));
            }
        });
        JsonResponses.send(response, HttpServletResponse.SC_OK, JsonResponses.object().add("rooms", rooms).build());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Matcher m = PUSH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!m.matches()) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "not_found", "no such resource");
            return;
        }
        if (!PushToken.authorized(ChatRuntime.of(getServletContext()).settings(), request, response)) {
            return;
        }
        String target = m.group(2);
        if (!Names.isValid(target)) {
            JsonResponses.error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid_name",
                    "room and user names are 1-64 letters, digits, '-', '_' or '.'");
            return;
        }
        String message;
        String idempotencyKey = request.getHeader(IDEMPOTENCY_KEY);
        try {
            if (idempotencyKey != null) {
                ClientIds.require(IDEMPOTENCY_KEY, idempotencyKey);
            }
            message = Inbound.pushBody(readBody(request));
        } catch (ProtocolException e) {
            JsonResponses.error(response, HttpServletResponse.SC_BAD_REQUEST, e.code().wire(), e.getMessage());
            return;
        }
        Messenger messenger = ChatRuntime.of(getServletContext()).messenger();
        boolean toRoom = m.group(1).equals("rooms");
        // A retried push (same key, same target, within wschat.dedupSeconds) is not sent again: same answer.
        Delivery d = toRoom ? messenger.pushToRoom(target, message, idempotencyKey)
                : messenger.pushToUser(target, message, idempotencyKey);
        if (!d.complete()) {
            JsonResponses.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, JsonResponses.object()
                    .add("error", ErrorCode.UNAVAILABLE.wire())
                    .add("detail", "the servers' shared state is unreachable: not stored, sent only to this"
                            + " server's connections")
                    .add("delivered", d.reached())
                    .build());
            return;
        }
        if (!toRoom && d.reached() == 0) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "user_offline",
                    "user '" + target + "' has no open connection");
            return;
        }
        var body = JsonResponses.object().add("delivered", d.reached());
        if (toRoom) {
            body.add("offset", d.offset());
        }
        JsonResponses.send(response, HttpServletResponse.SC_ACCEPTED, body.build());
    }

    private static String readBody(HttpServletRequest request) throws IOException, ProtocolException {
        request.setCharacterEncoding(StandardCharsets.UTF_8.name());
        StringBuilder body = new StringBuilder();
        char[] buffer = new char[8192];
        var reader = request.getReader();
        for (int n; (n = reader.read(buffer)) != -1; ) {
            body.append(buffer, 0, n);
            if (body.length() > MAX_BODY_CHARS) {
                throw new ProtocolException(ErrorCode.BAD_FIELD, "body over " + MAX_BODY_CHARS + " characters");
            }
        }
        return body.toString();
    }
}
