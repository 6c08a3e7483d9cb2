// The room messages this page sent and the server has not acknowledged yet. Each has a client_id, so
// sending it again (after a reconnect, or when the reader presses Resend) is safe: the server stores
// a repeated client_id once and acknowledges it with the first offset.
export class SentMessages {
  constructor() {
    this.unacked = new Map(); // client_id -> { text, item, failed }, in the order sent
  }

  add(clientId, text, item) {
    this.unacked.set(clientId, { text, item, failed: false });
  }

  get(clientId) {
    return this.unacked.get(clientId);
  }

  /** The server stored it (ack) or delivered it (our own copy came back): done. */
  done(clientId) {
    const sent = this.unacked.get(clientId);
    this.unacked.delete(clientId);
    return sent;
  }

  /** Sending it failed for a reason a retry may cure: it waits for the reader's Resend. */
  failed(clientId) {
    const sent = this.unacked.get(clientId);
    if (sent) sent.failed = true;
    return sent;
  }

  /** What to send again once connected: everything not acknowledged and not waiting for Resend. */
  toResend() {
    return [...this.unacked.entries()].filter(([, sent]) => !sent.failed);
  }
}
