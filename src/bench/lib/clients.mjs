// Opening and closing many `ws` client connections, bounded in count and time.
import WebSocket from 'ws';

/** What Chrome sends with a WebSocket handshake besides the handshake's own headers (a small session cookie). */
const BROWSER_HEADERS = {
  Pragma: 'no-cache',
  'Cache-Control': 'no-cache',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Accept-Encoding': 'gzip, deflate, br, zstd',
  'Accept-Language': 'en-US,en;q=0.9',
  Cookie: 'JSESSIONID=8F3A1C2B9D7E6F5A4B3C2D1E0F9A8B7C; theme=dark',
};

/** What happened to a set of connections after they opened. */
export class ConnectionEvents {
  constructor() {
    this.closedEarly = 0; // closed by the server (or the network) before the benchmark closed them
    this.closeCodes = {};
    this.closeReasons = []; // the first few distinct "code reason" pairs
    this.errorsAfterOpen = 0;
    this.pings = 0; // server pings received (ws answers each with a pong by itself)
    this.closing = false;
  }

  summary() {
    return {
      closed_early: this.closedEarly, close_codes: this.closeCodes, errors_after_open: this.errorsAfterOpen,
      ...(this.closeReasons.length ? { close_reasons: this.closeReasons } : {}),
    };
  }
}

/**
 * Opens n connections, at most `conc` handshakes in flight. urlOf(i) names each; onMessage(i, data)
 * sees every frame from the moment the socket exists (a welcome can follow the handshake at once).
 * Resolves at the deadline at the latest, or once no handshake succeeded for stallMs (a server that
 * stopped accepting): { socks (null where it failed), errors, errorSamples, startedAt }.
 */
export function openMany(n, { conc, urlOf, origin, protocols = [], onMessage, onOpen, deadline, events, stallMs = 30000 }) {
  return new Promise((resolve) => {
    const socks = new Array(n).fill(null);
    const errorSamples = [];
    let next = 0;
    let inflight = 0;
    let settledCount = 0;
    let errors = 0;
    let finished = false;
    let startedAt = null;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(stallTimer);
      resolve({ socks, errors, errorSamples, startedAt });
    };
    let lastOpenAt = Date.now();
    const pending = new Set(); // handshakes in flight
    const giveUp = (why) => {
      for (const ws of pending) ws.terminate(); // not to open later, uncounted and never closed
      errors += n - settledCount; // never opened
      if (n > settledCount && errorSamples.length < 5) errorSamples.push(`${n - settledCount} not opened: ${why}`);
      finish();
    };
    const timer = setTimeout(() => giveUp('the deadline passed'), Math.max(0, deadline - Date.now()));
    const stallTimer = setInterval(() => {
      if (Date.now() - lastOpenAt > stallMs) giveUp(`no handshake succeeded for ${stallMs / 1000} s`);
    }, 1000);
    const fail = (why) => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(why);
    };
    const launch = () => {
      while (inflight < conc && next < n && !finished) {
        const i = next++;
        inflight++;
        if (startedAt === null) startedAt = performance.now();
        let settled = false;
        let opened = false;
        // Compression offered and a browser's headers sent, as every browser does: a server that
        // accepts the one or keeps the other pays for it in memory, and the figures show that.
        const ws = new WebSocket(urlOf(i), protocols, {
          handshakeTimeout: 30000, perMessageDeflate: true, skipUTF8Validation: true,
          headers: { ...BROWSER_HEADERS, Origin: origin },
        });
        pending.add(ws);
        const settle = (ok, why) => {
          if (settled || finished) return;
          settled = true;
          pending.delete(ws);
          inflight--;
          settledCount++;
          if (ok) {
            opened = true;
            lastOpenAt = Date.now();
            socks[i] = ws;
            if (onOpen) onOpen(i, ws);
          } else {
            fail(why);
          }
          if (settledCount === n) finish();
          else launch();
        };
        ws.on('open', () => settle(true));
        ws.on('error', (e) => {
          if (!settled) settle(false, String(e.message || e));
          else if (events && !events.closing) events.errorsAfterOpen++;
        });
        ws.on('unexpected-response', (req, res) => {
          res.resume();
          settle(false, `HTTP ${res.statusCode}`);
          ws.terminate();
        });
        ws.on('close', (code, reason) => {
          if (!settled) settle(false, `closed ${code} during the handshake`);
          else if (opened && events && !events.closing) {
            events.closedEarly++;
            events.closeCodes[code] = (events.closeCodes[code] || 0) + 1;
            const said = `${code} ${reason}`.trim();
            if (events.closeReasons.length < 5 && !events.closeReasons.includes(said)) events.closeReasons.push(said);
          }
        });
        if (events) ws.on('ping', () => { events.pings++; });
        if (onMessage) ws.on('message', (data) => onMessage(i, data));
      }
    };
    if (n === 0) finish();
    else launch();
  });
}

/**
 * Closes every open socket with 1000 and waits for the closes, at most `ms`; then drops what is left.
 * Resolves with { close_s: how long it took, close_timeouts: sockets whose close was not answered in time }.
 */
export function closeAll(socks, ms, events) {
  if (events) events.closing = true;
  const start = performance.now();
  return new Promise((resolve) => {
    let open = 0;
    const done = (timeouts) => {
      clearTimeout(timer);
      resolve({ close_s: Number(((performance.now() - start) / 1000).toFixed(3)), close_timeouts: timeouts });
    };
    const timer = setTimeout(() => {
      let left = 0;
      for (const s of socks) {
        if (s && s.readyState !== WebSocket.CLOSED) {
          left++;
          s.terminate();
        }
      }
      done(left);
    }, ms);
    for (const s of socks) {
      if (!s || s.readyState === WebSocket.CLOSED) continue;
      open++;
      s.once('close', () => {
        if (--open === 0) done(0);
      });
      s.close(1000);
    }
    if (open === 0) done(0);
  });
}
