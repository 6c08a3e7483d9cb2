// One visit to a room: the room connection (/ws/chat/{room}), the direct-message connection
// (/ws/{me}), and what each server frame means for the screen.
import { directUrl, roomUrl } from './endpoints.js';
import { newClientId } from './ids.js';
import { isValidName, NAME_RULE } from './names.js';
import { ReconnectingSocket } from './reconnecting-socket.js';
import { SentMessages } from './sent-messages.js';
import { ROOM, directKey } from './chat-view.js';

// Errors after which sending the same message again may work (the server kept nothing of it).
const RETRYABLE = new Set(['unavailable', 'rate_limited']);

export class ChatSession {
  constructor(view, { room, name }) {
    this.view = view;
    this.room = room;
    this.askedName = name; // '' lets the server pick a guest name
    this.me = null; // the name the server says we have (welcome), kept across reconnects
    this.epoch = null; // the room stream's epoch (welcome): offsets are numbered within it
    this.lastOffset = 0; // the highest offset shown: a rejoin resumes after it
    this.sent = new SentMessages();
    this.shown = new Map(); // "user\nclient_id" -> message item: a message is shown once, however it comes
    this.mine = new Map(); // client_id -> item of a message we sent (shown when sent, under whatever name)
    this.rejoining = false; // a (re)connect's welcome is due: then resend what was not acknowledged
    this.wasLive = false;
    this.lastDirectPeer = null;
    this.direct = null;
    this.roomSocket = new ReconnectingSocket({
      url: () => roomUrl(this.room, this.me ?? this.askedName,
        this.epoch === null ? null : { since: this.lastOffset, epoch: this.epoch }),
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
    if (state === 'connecting') this.rejoining = true;
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
        return this.welcome(frame.user, frame.epoch, frame.recovered);
      case 'ack':
        return this.acknowledged(frame.client_id, frame.offset);
      case 'presence.members':
        return this.view.setMembers(frame.members, frame.count);
      case 'chat.message':
        return this.chat(frame);
      case 'presence.join':
        this.view.addMember(frame.user, frame.count);
        return this.view.addNotice(ROOM, `${frame.user} joined`);
      case 'presence.leave':
        this.view.removeMember(frame.user, frame.count);
        return this.view.addNotice(ROOM, `${frame.user} left`);
      case 'presence.rename':
        this.view.renameMember(frame.from, frame.to, frame.count);
        return this.view.addNotice(ROOM, `${frame.from} is now ${frame.to}`);
      case 'presence.count':
        // A large room: only how many are here, not who came and went.
        return this.view.setCount(frame.count);
      case 'error':
        return this.roomError(frame);
      default:
        return undefined; // a newer server's frame: ignore it
    }
  }

  /**
   * Sent on every (re)join, after a rename, and when the room's stream started over (a new epoch).
   * recovered (on a rejoin that resumed) says whether the server could replay everything we missed.
   */
  welcome(name, epoch, recovered) {
    if (recovered === false) {
      this.view.addNotice(ROOM, 'Earlier messages may be missing: the server no longer had all you missed.', 'warn');
    }
    if (epoch !== this.epoch) {
      // A new stream numbers from 1 again: what we showed of the old one says nothing about the new.
      if (this.epoch !== null && recovered === undefined) {
        this.view.addNotice(ROOM, 'The room\'s history was reset on the server.', 'warn');
      }
      this.epoch = epoch;
      this.lastOffset = 0;
    }
    if (this.rejoining) {
      this.rejoining = false;
      for (const [clientId, sent] of this.sent.toResend()) this.roomSocket.send({ message: sent.text, client_id: clientId });
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
    if (frame.offset !== undefined) {
      // Offsets rise by one in the order everyone sees: anything at or below the last shown is a replay.
      if (frame.offset <= this.lastOffset) return;
      this.lastOffset = frame.offset;
    }
    // The same message may come again another way: our own, shown when we sent it; or one first said
    // while the servers could not share it (no offset) and sent again once they could.
    const key = frame.client_id ? `${frame.user}\n${frame.client_id}` : null;
    const item = key ? (frame.user === this.me ? this.mine.get(frame.client_id) : undefined) ?? this.shown.get(key) : undefined;
    if (item) {
      // Only a stored copy (with an offset) confirms: one said while the servers could not share it
      // reached this server only, and an error about it follows.
      if (frame.offset !== undefined) {
        this.view.markStored(item, frame.offset);
        if (frame.user === this.me) this.acknowledged(frame.client_id, frame.offset);
      }
      return;
    }
    const shownItem = this.view.addMessage(ROOM, {
      offset: frame.offset, user: frame.user, text: frame.message, ts: frame.ts,
      mine: frame.user === this.me, history: frame.history === true,
    });
    if (key) this.shown.set(key, shownItem);
    if (!frame.history && frame.user !== this.me) this.view.markUnread(ROOM);
  }

  acknowledged(clientId, offset) {
    const sent = this.sent.done(clientId);
    if (sent) this.view.markStored(sent.item, offset);
  }

  roomError(frame) {
    const sent = frame.client_id ? this.sent.get(frame.client_id) : undefined;
    if (!sent) return this.view.addNotice(ROOM, `${frame.code}: ${frame.detail}`, 'error');
    if (!RETRYABLE.has(frame.code)) {
      this.sent.done(frame.client_id);
      return this.view.markFailed(sent.item, frame.detail, null);
    }
    this.sent.failed(frame.client_id);
    const reason = frame.code === 'unavailable'
      ? 'Not delivered to everyone: the servers could not share it.' : 'Not sent: too many messages at once.';
    return this.view.markFailed(sent.item, reason, () => this.resend(frame.client_id));
  }

  resend(clientId) {
    const sent = this.sent.get(clientId);
    if (!sent) return;
    sent.failed = false;
    this.view.markPending(sent.item);
    this.roomSocket.send({ message: sent.text, client_id: clientId }); // if offline: sent on reconnect
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

  /**
   * Returns true if the message was taken, so the input can be cleared. A room message is always taken:
   * it shows as pending until the server acknowledges it, and goes out (again) once connected.
   */
  send(key, text) {
    if (key === ROOM) return this.sendToRoom(text);
    const peer = key.slice(directKey('').length);
    this.lastDirectPeer = peer;
    const ok = this.direct?.send({ message: text, to_user: peer, from_user: this.me }) ?? false;
    if (!ok) this.view.addNotice(key, 'Not connected: the message was not sent. It is still in the box.', 'warn');
    return ok;
  }

  sendToRoom(text) {
    if (text === '/name' || text.startsWith('/name ')) {
      // A command, not a message: nothing to show or keep; the welcome or an error answers it.
      const ok = this.roomSocket.send({ message: text });
      if (!ok) this.view.addNotice(ROOM, 'Not connected: the command was not sent. It is still in the box.', 'warn');
      return ok;
    }
    const clientId = newClientId();
    const item = this.view.addMessage(ROOM, {
      user: this.me ?? this.askedName, text, ts: new Date().toISOString(), mine: true, pending: true,
    });
    this.sent.add(clientId, text, item);
    this.mine.set(clientId, item);
    this.roomSocket.send({ message: text, client_id: clientId });
    return true;
  }
}
