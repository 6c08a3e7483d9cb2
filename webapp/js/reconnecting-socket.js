// A WebSocket that comes back. When the connection drops it waits 0.5 s, 1 s, 2 s, 4 s … (never
// more than maxDelayMs, with jitter so a room full of clients does not return in lock-step) and
// connects again. It reports its state so the page can show it:
//   connecting → live → reconnecting → connecting → live …   and   closed (by close() or a refusal).
import { accessTokenExpired, renewAccessToken } from './access-token.js';

const POLICY_VIOLATION = 1008; // the server refuses a bad room or user name this way; retrying cannot help
// ...except for this one 1008: the server dropped us for falling behind (a slow network), and a
// fresh connection, which replays the history, is exactly the cure.
const SLOW_CONSUMER = 'slow consumer';
// The server is draining for a restart or deploy: come back, to whichever server the load balancer
// picks, after a random pause of up to RESTART_JITTER_MS so that its clients do not return at once.
const SERVICE_RESTART = 1012;
const RESTART_MIN_MS = 500;
const RESTART_JITTER_MS = 5000;
const TOKEN_EXPIRED = 4401; // the sign-in token ran out: only a new one helps
const ROOM_NOT_ALLOWED = 4403; // the token does not allow this room
// A handshake the server has not answered by then is given up and retried with the backoff. A
// browser's own limit is minutes, and a server or proxy that accepted the TCP connection and then
// stalled would leave the page "connecting" all that time.
const OPEN_TIMEOUT_MS = 10000;
// Asked of the room and direct endpoints: messages that queue up for this page (a busy room, the
// history on a reconnect) come several to a frame, one JSON object per line, in fewer writes.
const BATCH_SUBPROTOCOL = 'wschat.batch';

export class ReconnectingSocket {
  /**
   * @param url      function returning the address to connect to (asked again on every attempt,
   *                 so a rename or a server-assigned name is kept across reconnects)
   * @param onFrame  called with each message, parsed from JSON (a frame may hold several, one per line)
   * @param onState  called with (state, detail); detail has attempt and delayMs while reconnecting
   */
  constructor({ url, onFrame, onState = () => {}, baseDelayMs = 500, maxDelayMs = 10000 }) {
    this.url = url;
    this.onFrame = onFrame;
    this.onState = onState;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  get live() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a JSON frame; false (nothing sent) if the connection is not open right now. */
  send(frame) {
    if (!this.live) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes for good: no reconnect. */
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, 'bye');
    this.onState('closed', {});
  }

  connect() {
    if (accessTokenExpired()) {
      this.renewOrGiveUp('token expired');
      return;
    }
    this.onState('connecting', { attempt: this.attempt });
    const socket = new WebSocket(this.url(), [BATCH_SUBPROTOCOL]);
    this.socket = socket;
    // Closing a socket still connecting fails it: 'close' follows (1006) and reconnects as for a drop.
    const unanswered = setTimeout(() => socket.readyState === WebSocket.CONNECTING && socket.close(), OPEN_TIMEOUT_MS);
    socket.addEventListener('open', () => {
      clearTimeout(unanswered);
      this.attempt = 0; // the server answered: the next drop starts the backoff from the bottom
      this.onState('live', {});
    });
    socket.addEventListener('message', (event) => {
      const lines = socket.protocol === BATCH_SUBPROTOCOL ? event.data.split('\n') : [event.data];
      for (const line of lines) {
        let message;
        try {
          message = JSON.parse(line);
        } catch {
          continue; // not one of our messages
        }
        this.onFrame(message);
      }
    });
    socket.addEventListener('close', (event) => {
      clearTimeout(unanswered);
      if (this.socket !== socket || this.stopped) return; // replaced or closed on purpose
      this.socket = null;
      if (event.code === TOKEN_EXPIRED) {
        this.renewOrGiveUp(event.reason);
        return;
      }
      if (event.code === ROOM_NOT_ALLOWED || (event.code === POLICY_VIOLATION && event.reason !== SLOW_CONSUMER)) {
        this.refuse(event.reason);
        return;
      }
      if (event.code === SERVICE_RESTART) {
        this.scheduleReconnect(RESTART_MIN_MS + Math.round(Math.random() * RESTART_JITTER_MS));
        return;
      }
      this.scheduleReconnect();
    });
    // 'error' is always followed by 'close', which does the work.
  }

  refuse(reason) {
    this.stopped = true;
    this.onState('refused', { reason: reason || 'refused by the server' });
  }

  async renewOrGiveUp(reason) {
    if ((await renewAccessToken()) && !accessTokenExpired()) {
      // With the backoff: a server that keeps refusing new tokens (clocks apart) is not hammered.
      if (!this.stopped) this.scheduleReconnect();
    } else {
      this.refuse(`${reason || 'token expired'}: sign in again`);
    }
  }

  /** Reconnects after delayMs, or after the next step of the backoff when none is given. */
  scheduleReconnect(delayMs) {
    if (delayMs === undefined) {
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** this.attempt);
      delayMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    }
    this.attempt += 1;
    this.onState('reconnecting', { attempt: this.attempt, delayMs });
    this.timer = setTimeout(() => this.connect(), delayMs);
  }
}
