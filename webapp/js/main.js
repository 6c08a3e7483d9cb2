// Entry point of index.html: the lobby until a room is chosen, then the room until "Leave".
import { ChatSession } from './chat-session.js';
import { ChatView } from './chat-view.js';
import { Lobby } from './lobby.js';

let session = null;

const view = new ChatView({
  onSend: (key, text) => session?.send(key, text) ?? false,
  onOpenDirect: (user) => session?.openDirect(user),
  onLeave: () => {
    session?.stop();
    session = null;
    view.hide();
    lobby.show();
  },
});

const lobby = new Lobby(({ name, room }) => {
  lobby.hide();
  session = new ChatSession(view, { room, name });
  session.start();
});

lobby.show();
