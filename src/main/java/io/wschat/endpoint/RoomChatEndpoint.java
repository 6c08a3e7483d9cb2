package io.wschat.endpoint;

import io.wschat.api.Delivery;
import io.wschat.layer.LayerUnavailable;
import io.wschat.layer.Resume;
import io.wschat.protocol.ChatRequest;
import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Frames;
import io.wschat.protocol.Inbound;
import io.wschat.protocol.Names;
import io.wschat.protocol.ProtocolException;
import io.wschat.security.HandshakeScope;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.util.regex.Pattern;

/**
 * {@code /ws/chat/{room}}: room chat with presence, history, the {@code /name} command, resuming
 * after a reconnect ({@code ?since=OFFSET&epoch=EPOCH}) and acknowledged sends ({@code client_id}).
 */
@ServerEndpoint(value = "/ws/chat/{room}", configurator = ScopeCapture.class,
        subprotocols = Frames.BATCH_SUBPROTOCOL)
public class RoomChatEndpoint extends ConnectionEndpoint {

    static final String RENAME = "/name";

    /** What an epoch looks like (the layers make them base-36); anything else was not one of ours. */
    private static final Pattern EPOCH = Pattern.compile("[0-9a-z]{1,32}");
    private static final Pattern OFFSET = Pattern.compile("0|[1-9][0-9]{0,17}");

    /** The articles' clients add a trailing slash. */
    @ServerEndpoint(value = "/ws/chat/{room}/", configurator = ScopeCapture.class,
        subprotocols = Frames.BATCH_SUBPROTOCOL)
    public static class WithSlash extends RoomChatEndpoint {
    }

    private String room;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config, @PathParam("room") String room) {
        this.room = room; // for join(), which open() calls
        if (!open(session, config, (mode, scope) -> Identity.forRoom(mode, scope, room))) {
            this.room = null; // refused: in no room
        }
    }

    @Override
    protected void join() {
        Resume resume;
        try {
            resume = resume(scope);
        } catch (ProtocolException e) {
            room = null; // in no room: nothing to say, nothing to leave
            connection.close(new CloseReason(CloseCodes.VIOLATED_POLICY, e.getMessage()));
            return;
        }
        try {
            runtime.registry().joinRoom(room, connection, resume);
        } catch (LayerUnavailable e) {
            room = null;
            closeUnavailable();
        }
    }

    /**
     * The place to resume from: both {@code since} (an offset) and {@code epoch} (from a welcome), or
     * neither. Anything else is refused (1008), not quietly joined without resuming.
     */
    static Resume resume(HandshakeScope scope) throws ProtocolException {
        String since = scope.queryParam("since");
        String epoch = scope.queryParam("epoch");
        if (since == null && epoch == null) {
            return null;
        }
        if (since == null || !OFFSET.matcher(since).matches()) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "invalid since: a resume needs since=OFFSET (a whole number) and epoch");
        }
        if (epoch == null || !EPOCH.matcher(epoch).matches()) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "invalid epoch: a resume needs epoch as the welcome gave it, and since");
        }
        return new Resume(Long.parseLong(since), epoch);
    }

    @Override
    protected void onText(String text) {
        if (room == null) {
            return;
        }
        ChatRequest request;
        try {
            request = Inbound.chat(text);
        } catch (ProtocolException e) {
            reply(e.toFrame(Inbound.clientIdOf(text)));
            return;
        }
        String message = request.message();
        try {
            if (message.equals(RENAME) || message.startsWith(RENAME + " ")) {
                rename(message.substring(RENAME.length()).strip());
                if (request.clientId() != null) {
                    reply(Frames.ack(request.clientId(), 0));
                }
                return;
            }
        } catch (ProtocolException e) {
            reply(e.toFrame(request.clientId()));
            return;
        }
        Delivery d = runtime.messenger().sayInRoom(room, connection.name(), message, request.clientId());
        if (!d.complete()) {
            replyUnavailable("your message", request.clientId());
        } else if (request.clientId() != null) {
            reply(Frames.ack(request.clientId(), d.offset()));
        }
    }

    private void rename(String newName) throws ProtocolException {
        if (identity.fixed()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "names come from your login here; /name is off");
        }
        if (newName.isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_NAME, "usage: /name NEW");
        }
        try {
            runtime.registry().renameInRoom(room, connection, Names.require("name", newName));
        } catch (LayerUnavailable e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE,
                    "renaming needs the servers' shared state, which is unreachable; try again later");
        }
    }

    @Override
    protected void leave() {
        if (room != null) {
            runtime.registry().leaveRoom(room, connection);
        }
    }
}
