// One visit to a room: the room connection (/ws/chat/{room}), the direct-message connection
// (/ws/{me}), and what each server frame means for the screen.
import { directUrl, roomUrl } from './endpoints.js';
import { isValidName, NAME_RULE } from './names.js';
import { ReconnectingSocket } from './reconnecting-socket.js';
import { ROOM, directKey } from './chat-view.js';

export class ChatSession {
  constructor(view, { room, name }) {
    this.view = view;
    this.room = room;
    this.askedName = name; // '' lets the server pick a guest name
    this.me = null; // the name the server says we have (welcome), kept across reconnects
    this.epoch = null; // the room stream's epoch (welcome): offsets are numbered within it
    this.lastOffset = 0; // the highest offset shown: every (re)join replays the history, which we mostly showed
    this.wasLive = false;
    this.lastDirectPeer = null;
    this.direct = null;
    this.roomSocket = new ReconnectingSocket({
      url: () => roomUrl(this.room, this.me ?? this.askedName),
      onFrame: (frame) => this.onRoomFrame(frame),
      onState: (state, detail) => this.onRoomState(state, detail),
    });
  }

  start() {
    this.view.show(this.room);
    this.roomSocket.start();
  }

  stop() {
    this.roomSocket.close();
    this.direct?.close();
    this.direct = null;
  }

  // ---- the room -----------------------------------------------------------------------------

  onRoomState(state, detail) {
    // A first attempt is "connecting"; any later one is still part of getting back.
    const shown = state === 'connecting' && (detail.attempt > 0 || this.wasLive) ? 'reconnecting' : state;
    if (state === 'live') {
      if (this.wasLive) this.view.addNotice(ROOM, 'Reconnected.');
      this.wasLive = true;
    }
    if (state === 'reconnecting' && detail.attempt === 1) this.view.addNotice(ROOM, 'Connection lost, reconnecting…', 'warn');
    if (state === 'refused') this.view.addNotice(ROOM, `The server refused the connection: ${detail.reason}`, 'error');
    this.view.setStatus(shown, detail);
  }

  onRoomFrame(frame) {
    switch (frame.type) {
      case 'welcome':
        return this.welcome(frame.user, frame.epoch);
      case 'presence.members':
        return this.view.setMembers(frame.members);
      case 'chat.message':
        return this.chat(frame);
      case 'presence.join':
        this.view.addMember(frame.user);
        return this.view.addNotice(ROOM, `${frame.user} joined`);
      case 'presence.leave':
        this.view.removeMember(frame.user);
        return this.view.addNotice(ROOM, `${frame.user} left`);
      case 'presence.rename':
        this.view.renameMember(frame.from, frame.to);
        return this.view.addNotice(ROOM, `${frame.from} is now ${frame.to}`);
      case 'error':
        return this.view.addNotice(ROOM, `${frame.code}: ${frame.detail}`, 'error');
      default:
        return undefined; // a newer server's frame: ignore it
    }
  }

  /** Sent on every (re)join, after a rename, and when the room's stream started over (a new epoch). */
  welcome(name, epoch) {
    if (epoch !== this.epoch) {
      // A new stream numbers from 1 again: what we showed of the old one says nothing about the new.
      if (this.epoch !== null) this.view.addNotice(ROOM, 'The room\'s history was reset on the server.', 'warn');
      this.epoch = epoch;
      this.lastOffset = 0;
    }
    if (name === this.me) return;
    this.me = name;
    this.view.setMe(name);
    this.direct?.close();
    this.direct = new ReconnectingSocket({
      url: () => directUrl(this.me),
      onFrame: (frame) => this.onDirectFrame(frame),
      onState: (state) => this.view.setDirectState(state),
    }).start();
  }

  chat(frame) {
    // Offsets rise by one in the order everyone sees: anything at or below the last shown is a replay.
    // A message without an offset was not stored (the servers' shared state was unreachable): show it.
    if (frame.offset !== undefined) {
      if (frame.offset <= this.lastOffset) return;
      this.lastOffset = frame.offset;
    }
    this.view.addMessage(ROOM, {
      offset: frame.offset, user: frame.user, text: frame.message, ts: frame.ts,
      mine: frame.user === this.me, history: frame.history === true,
    });
    if (!frame.history && frame.user !== this.me) this.view.markUnread(ROOM);
  }

  // ---- direct messages ----------------------------------------------------------------------

  openDirect(peer) {
    if (!isValidName(peer)) {
      this.view.addNotice(this.view.active, `A username is ${NAME_RULE}.`, 'error');
      return;
    }
    this.view.conversation(directKey(peer), `@${peer}`);
    this.view.activate(directKey(peer));
  }

  onDirectFrame(frame) {
    if (frame.type === 'direct.message') {
      // The server copies what we send to our own connections: that copy is how our side shows it.
      const mine = frame.from_user === this.me;
      const peer = mine ? frame.to_user : frame.from_user;
      const key = directKey(peer);
      this.view.conversation(key, `@${peer}`);
      this.view.addMessage(key, { user: frame.from_user, text: frame.message, ts: frame.ts, mine });
      if (!mine) this.view.markUnread(key);
    } else if (frame.type === 'error') {
      const key = this.lastDirectPeer ? directKey(this.lastDirectPeer) : ROOM;
      this.view.addNotice(key, frame.code === 'user_offline' ? `${this.lastDirectPeer} is not online` : `${frame.code}: ${frame.detail}`, 'error');
    }
  }

  // ---- sending ------------------------------------------------------------------------------

  /** Returns true if the message went out, so the input can be cleared. */
  send(key, text) {
    if (key === ROOM) return this.sent(key, this.roomSocket.send({ message: text }));
    const peer = key.slice(directKey('').length);
    this.lastDirectPeer = peer;
    return this.sent(key, this.direct?.send({ message: text, to_user: peer, from_user: this.me }) ?? false);
  }

  sent(key, ok) {
    if (!ok) this.view.addNotice(key, 'Not connected: the message was not sent. It is still in the box.', 'warn');
    return ok;
  }
}
