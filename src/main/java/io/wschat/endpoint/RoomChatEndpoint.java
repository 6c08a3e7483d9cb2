package io.wschat.endpoint;

import io.wschat.protocol.ErrorCode;
import io.wschat.protocol.Inbound;
import io.wschat.protocol.Names;
import io.wschat.protocol.ProtocolException;
import io.wschat.security.Identity;
import io.wschat.security.ScopeCapture;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws/chat/{room}}: room chat with presence, history and the {@code /name} command. */
@ServerEndpoint(value = "/ws/chat/{room}", configurator = ScopeCapture.class)
public class RoomChatEndpoint extends ConnectionEndpoint {

    static final String RENAME = "/name";

    /** The articles' clients add a trailing slash. */
    @ServerEndpoint(value = "/ws/chat/{room}/", configurator = ScopeCapture.class)
    public static class WithSlash extends RoomChatEndpoint {
    }

    private String room;

    @OnOpen
    public void onOpen(Session session, @PathParam("room") String room) {
        if (!Names.isValid(room)) {
            refuse(session, "invalid room name");
            return;
        }
        this.room = room;
        open(session, Identity::forRoom);
    }

    @Override
    protected void join() {
        runtime.registry().joinRoom(room, connection);
    }

    @OnMessage
    public void onMessage(String text) {
        if (!withinLimit(text)) {
            return;
        }
        try {
            String message = Inbound.chat(text);
            if (message.equals(RENAME) || message.startsWith(RENAME + " ")) {
                rename(message.substring(RENAME.length()).strip());
            } else {
                runtime.messenger().sayInRoom(room, connection.name(), message);
            }
        } catch (ProtocolException e) {
            reply(e);
        }
    }

    private void rename(String newName) throws ProtocolException {
        if (identity.fixed()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "names come from your login here; /name is off");
        }
        if (newName.isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_NAME, "usage: /name NEW");
        }
        runtime.registry().renameInRoom(room, connection, Names.require("name", newName));
    }

    @Override
    protected void leave() {
        runtime.registry().leaveRoom(room, connection);
    }
}
