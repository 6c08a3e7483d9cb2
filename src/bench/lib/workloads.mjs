// The workloads. Each drives one running server and returns one result object (one JSON line).
//
// A delivery is counted only when a receiver got a chat.message (or direct.message) frame carrying a
// token wsb:<run>:<sender>:<seq>:<send time in µs>, once per receiver, sender and seq: tokens of other
// runs, repeats and copies to the wrong receiver are counted apart, never as deliveries.
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, ConnectionEvents, openMany } from './clients.mjs';
import { contextSwitches, cpuMicros, cpuSince, rssKiB, threadCpuMicros } from './proc.mjs';

// HotSpot's JIT compiler threads: their share of a run's CPU says whether the JVM was still compiling.
const JIT_THREADS = ['C1 CompilerThre', 'C2 CompilerThre'];

/**
 * Starts counting the JIT compiler threads' CPU. The function returned, called when the run ends
 * with the server's CPU over the run, gives their share of it in per cent (null: no such threads).
 */
function jitShare(pid) {
  const before = threadCpuMicros(pid, JIT_THREADS);
  return (serverCpuUs) => {
    const us = cpuSince(before, threadCpuMicros(pid, JIT_THREADS));
    return before.size || us ? round((100 * us) / Math.max(serverCpuUs, 1), 1) : null;
  };
}

const MARK = Buffer.from('wsb:');
const WELCOME = Buffer.from('"welcome"');
const CHAT = Buffer.from('"chat.message"');
const DIRECT = Buffer.from('"direct.message"');
const ERROR = Buffer.from('"error"');

let runs = 0;
/** A number naming one workload run: in its room names and tokens, so no run counts another's messages. */
const nextRun = () => (process.pid % 10000) * 1000 + (++runs % 1000);

const origin = (server) => `http://127.0.0.1:${server.port}`;
/**
 * The subprotocols a room or direct client offers: wschat's batching (several messages per frame when
 * they queue up), as its chat page does, unless --no-batch; the Node yardstick speaks one message per frame.
 */
const offer = (server, o) => (server.kind !== 'node' && o.batch ? ['wschat.batch'] : []);
/** What the server chose of the offer (null: one message per frame). */
const chosen = (socks) => socks.find(Boolean)?.protocol || null;
/** Messages in a frame: lines, on a connection that chose batching. */
const linesIn = (data) => {
  let n = 1;
  for (let p = data.indexOf(10); p >= 0; p = data.indexOf(10, p + 1)) n++;
  return n;
};
const wsUrl = (server, pathAndQuery) => `ws://127.0.0.1:${server.port}${pathAndQuery}`;

/** Waits until cond() or the deadline; true if cond() held. */
async function until(cond, deadline, stepMs = 10) {
  while (!cond()) {
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
  return true;
}

/** Waits until no frame arrived for quietMs (lastFrameAt() in performance.now() ms), at most maxMs. */
async function quiet(lastFrameAt, quietMs, maxMs) {
  const end = Date.now() + maxMs;
  while (Date.now() < end && performance.now() - lastFrameAt() < quietMs) await sleep(20);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[i], 3);
}

/** The clients' CPU use over a phase, in % of one core: near 100 means the client, not the server, was the limit. */
const clientCpuPct = (usage, ms) => round(((usage.user + usage.system) / 1000 / ms) * 100, 1);

const round = (x, digits) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** A decimal number in buf from pos on; sets parsed.end to the first byte after it. */
const parsed = { end: 0 };
function readInt(buf, pos) {
  let v = 0;
  let c;
  const start = pos;
  while (pos < buf.length && (c = buf[pos]) >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    pos++;
  }
  parsed.end = pos;
  return pos === start ? -1 : v;
}

/**
 * Senders send `messages` each, at most `window` of their own un-echoed messages in flight (the copy
 * a sender gets back frees a place), once every client is present. spec:
 *   run, label, clients, senders, messages, window, expected,
 *   urlOf(i), frameOf(s, token), typeMark (the frame type that carries deliveries),
 *   readyMark (the frame that makes client i present), onOpen(i, ws) (e.g. a probe that earns it),
 *   counts(receiver, sender): whether that copy is a delivery; the sender's own copy frees its window.
 */
async function traffic(server, o, spec) {
  const run = spec.run;
  const C = spec.clients;
  const S = spec.senders;
  const M = spec.messages;
  const W = spec.window;
  const expected = spec.expected;
  const events = new ConnectionEvents();
  const present = new Uint8Array(C);
  let nPresent = 0;
  const seen = Array.from({ length: C }, () => new Array(S)); // receiver -> sender -> Uint8Array(M)
  const lastSeq = Array.from({ length: C }, () => new Int32Array(S).fill(-1));
  const ownSeen = Array.from({ length: S }, () => new Uint8Array(M));
  const sent = new Int32Array(S);
  const echoed = new Int32Array(S);
  const latency = new Float64Array(expected);
  let nLatency = 0;
  let delivered = 0;
  let duplicates = 0;
  let ownDuplicates = 0;
  let misrouted = 0;
  let reordered = 0;
  let foreign = 0;
  let errorFrames = 0;
  let framesMeasured = 0;
  const errorSamples = [];
  let measuring = false;
  let lastFrameAt = performance.now();
  let lastDeliveryAt = 0;
  let socks = null;
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });

  const sendNext = (s) => {
    const ws = socks[s];
    if (!ws || ws.readyState !== 1) return;
    while (sent[s] < M && sent[s] - echoed[s] < W) {
      const seq = sent[s]++;
      ws.send(spec.frameOf(s, `wsb:${run}:${s}:${seq}:${Math.round(performance.now() * 1000)}`));
    }
  };

  const onMessage = (i, data) => {
    const now = performance.now();
    lastFrameAt = now;
    if (!present[i]) {
      if (data.indexOf(spec.readyMark) >= 0) {
        present[i] = 1;
        nPresent++;
      }
      return;
    }
    if (!measuring) return;
    framesMeasured++;
    let p = data.indexOf(MARK);
    if (p < 0) {
      if (data.indexOf(ERROR) >= 0) {
        errorFrames++;
        if (errorSamples.length < 3) errorSamples.push(data.toString().slice(0, 200));
      }
      return;
    }
    if (data.indexOf(spec.typeMark) < 0) {
      foreign++; // a token in some other frame (an error quoting it?) is not a delivery
      return;
    }
    while (p >= 0) {
      const r = readInt(data, p + 4);
      const s = readInt(data, parsed.end + 1);
      const seq = readInt(data, parsed.end + 1);
      const t = readInt(data, parsed.end + 1);
      p = data.indexOf(MARK, parsed.end);
      if (r !== run || s < 0 || s >= S || seq < 0 || seq >= M || t < 0) {
        foreign++;
        continue;
      }
      if (spec.counts(i, s)) {
        const bits = seen[i][s] || (seen[i][s] = new Uint8Array(M));
        if (bits[seq]) {
          duplicates++;
        } else {
          bits[seq] = 1;
          delivered++;
          if (nLatency < expected) latency[nLatency++] = now - t / 1000;
          lastDeliveryAt = now;
          if (seq < lastSeq[i][s]) reordered++;
          else lastSeq[i][s] = seq;
        }
      } else if (i !== s) {
        misrouted++;
      }
      if (i === s) {
        if (ownSeen[s][seq]) {
          ownDuplicates++;
        } else {
          ownSeen[s][seq] = 1;
          echoed[s]++;
          sendNext(s);
        }
      }
    }
    if (delivered >= expected) finish('complete');
  };

  const deadline = Date.now() + o.timeout * 1000;
  const opened = await openMany(C, {
    conc: o.conc, urlOf: spec.urlOf, origin: origin(server), protocols: offer(server, o), onMessage, onOpen: spec.onOpen,
    deadline, events,
  });
  socks = opened.socks;
  const openCount = socks.filter(Boolean).length;
  const allPresent = await until(() => nPresent >= openCount, deadline);
  // Let the joins' own traffic (presence) end before measuring.
  await quiet(() => lastFrameAt, 100, 3000);

  const cpu0 = cpuMicros(server.pid);
  const switches0 = contextSwitches(server.pid);
  const jit = jitShare(server.pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  let cpu1 = null;
  let t1 = null;
  let client1 = null;
  measuring = true;
  if (allPresent && openCount === C) {
    for (let s = 0; s < S; s++) sendNext(s);
  } else {
    finish('not everyone present');
  }
  if (expected === 0) finish('complete');
  const watch = setInterval(() => {
    if (Date.now() >= deadline) finish('timeout');
    else if (performance.now() - Math.max(lastDeliveryAt, t0) > o.stall * 1000) finish('stalled');
  }, 100);
  const end = await finished;
  cpu1 = cpuMicros(server.pid);
  const switches = contextSwitches(server.pid) - switches0;
  const jitPct = jit(cpu1 - cpu0);
  t1 = performance.now();
  client1 = process.cpuUsage(client0);
  clearInterval(watch);
  const clientPct = clientCpuPct(client1, t1 - t0);
  const rss = rssKiB(server.pid);
  const closed = await closeAll(socks, 10000, events);

  // Throughput over first send -> last delivery; a run that stalled is not credited with its wait.
  const elapsed = ((end !== 'timeout' && lastDeliveryAt > t0 ? lastDeliveryAt : t1) - t0) / 1000;
  const sorted = latency.subarray(0, nLatency).sort();
  const cpuUs = cpu1 - cpu0;
  const result = {
    server: server.kind, workload: spec.label, subprotocol: chosen(socks), clients: C, senders: S, messages: M, window: W,
    ...spec.describe,
    expected, delivered, lost: expected - delivered, duplicates,
    deliveries_per_s: elapsed > 0 ? Math.round(delivered / elapsed) : null,
    p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), max_ms: nLatency ? round(sorted[nLatency - 1], 3) : null,
    server_cpu_us_per_delivery: delivered ? round(cpuUs / delivered, 2) : null,
    server_cpu_s: round(cpuUs / 1e6, 3),
    server_switches_per_delivery: delivered ? round(switches / delivered, 2) : null,
    server_jit_cpu_pct: jitPct,
    frames_per_delivery: delivered ? round(framesMeasured / delivered, 3) : null,
    server_rss_kib: rss,
    elapsed_s: round(elapsed, 3),
    client_cpu_pct: clientPct,
    misrouted, reordered, error_frames: errorFrames, connect_errors: opened.errors,
    ...events.summary(), ...closed, end,
  };
  if (ownDuplicates) result.own_copy_duplicates = ownDuplicates;
  if (foreign) result.foreign_tokens = foreign;
  if (errorSamples.length) result.error_samples = errorSamples;
  if (opened.errorSamples.length) result.connect_error_samples = opened.errorSamples;
  return result;
}

/**
 * Room traffic: `clients` in `rooms` rooms (client i in room i mod rooms), every client sends
 * `messages`; every member, the sender included, receives each, and each copy is a delivery.
 */
export function roomTraffic(server, o, { label, clients, rooms, messages, window }) {
  const run = nextRun();
  const roomOf = (i) => i % rooms;
  const size = new Array(rooms).fill(0);
  for (let i = 0; i < clients; i++) size[roomOf(i)]++;
  let expected = 0;
  for (let s = 0; s < clients; s++) expected += messages * size[roomOf(s)];
  return traffic(server, o, {
    run, label, clients, senders: clients, messages, window, expected, describe: { rooms },
    urlOf: (i) => wsUrl(server, `/ws/chat/${label}-${run}-${roomOf(i)}?name=c${i}`),
    frameOf: (s, token) => `{"message":"${token}"}`,
    typeMark: CHAT, readyMark: WELCOME,
    counts: (receiver, sender) => roomOf(receiver) === roomOf(sender),
  });
}

/**
 * Point-to-point: `pairs` pairs of /ws/{user} connections (2k and 2k+1), each sending `messages`
 * direct messages to its partner. Deliveries are the partner's copies only; the copy the server sends
 * back to the sender's own connection frees its window but is not counted. A client is present once
 * its probe to itself came back (so the server has registered it).
 */
export function pairTraffic(server, o, { label, pairs, messages, window }) {
  const run = nextRun();
  const clients = pairs * 2;
  const user = (i) => `p${run}-${i}`;
  const partner = (i) => i ^ 1;
  return traffic(server, o, {
    run, label, clients, senders: clients, messages, window, expected: clients * messages, describe: { pairs },
    urlOf: (i) => wsUrl(server, `/ws/${user(i)}`),
    onOpen: (i, ws) => ws.send(`{"message":"ready","to_user":"${user(i)}"}`),
    frameOf: (s, token) => `{"message":"${token}","to_user":"${user(partner(s))}"}`,
    typeMark: DIRECT, readyMark: DIRECT,
    counts: (receiver, sender) => receiver === partner(sender),
  });
}

/**
 * Join storm: `connections` open into one room at once (`conc` handshakes in flight). ready_s: from
 * the first handshake until every welcome arrived; frames and bytes: everything the clients received
 * until the room fell quiet (1 s without a frame), i.e. what presence costs. With `echo`, they open on
 * /echo instead, where the server joins and sends nothing: ready_s is then until every handshake
 * completed, what the handshakes cost without a room.
 */
export async function joinStorm(server, o, { label, connections, echo = false }) {
  const run = nextRun();
  const events = new ConnectionEvents();
  const present = new Uint8Array(connections);
  let nPresent = 0;
  let frames = 0;
  let messages = 0;
  let bytes = 0;
  let lastFrameAt = performance.now();
  let allPresentAt = null;
  let target = connections;
  const onMessage = (i, data) => {
    const now = performance.now();
    frames++;
    messages += linesIn(data);
    bytes += data.length;
    lastFrameAt = now;
    if (!present[i] && data.indexOf(WELCOME) >= 0) {
      present[i] = 1;
      if (++nPresent === target) allPresentAt = now;
    }
  };
  const deadline = Date.now() + o.timeout * 1000;
  const cpu0 = cpuMicros(server.pid);
  const jit = jitShare(server.pid);
  const rss0 = rssKiB(server.pid);
  const client0 = process.cpuUsage();
  const opened = await openMany(connections, {
    conc: o.conc, origin: origin(server), protocols: echo ? undefined : offer(server, o), onMessage, deadline, events,
    urlOf: (i) => wsUrl(server, echo ? '/echo' : `/ws/chat/${label}-${run}?name=s${i}`),
  });
  const openedAt = performance.now();
  const openCount = opened.socks.filter(Boolean).length;
  target = openCount;
  if (echo) {
    nPresent = openCount;
    allPresentAt = openedAt;
  }
  if (nPresent === target && allPresentAt === null) allPresentAt = lastFrameAt;
  await until(() => nPresent >= openCount, deadline);
  await quiet(() => lastFrameAt, 1000, Math.max(0, deadline - Date.now()));
  const cpu1 = cpuMicros(server.pid);
  const jitPct = jit(cpu1 - cpu0);
  const rss1 = rssKiB(server.pid);
  const client1 = process.cpuUsage(client0);
  const start = opened.startedAt;
  const clientPct = clientCpuPct(client1, performance.now() - start);
  const closed = await closeAll(opened.socks, 30000, events);
  return {
    server: server.kind, workload: label, subprotocol: chosen(opened.socks), connections, concurrent_handshakes: o.conc,
    opened: openCount, connect_errors: opened.errors, present: nPresent,
    ready_s: nPresent === openCount && allPresentAt !== null && openCount === connections ? round((allPresentAt - start) / 1000, 3) : null,
    open_s: round((openedAt - start) / 1000, 3),
    quiet_s: round((lastFrameAt - start) / 1000, 3),
    frames, messages, bytes, frames_per_connection: round(frames / Math.max(1, openCount), 1),
    messages_per_connection: round(messages / Math.max(1, openCount), 1),
    bytes_per_connection: Math.round(bytes / Math.max(1, openCount)),
    server_cpu_s: round((cpu1 - cpu0) / 1e6, 3),
    server_cpu_ms_per_connection: round((cpu1 - cpu0) / 1000 / Math.max(1, openCount), 3),
    server_jit_cpu_pct: jitPct,
    server_rss_growth_kib: rss1 - rss0,
    client_cpu_pct: clientPct,
    ...events.summary(), ...closed,
    ...(opened.errorSamples.length ? { connect_error_samples: opened.errorSamples } : {}),
  };
}

/**
 * Idle connections: `connections` opened (into one room, or on /echo) and held for `hold` s while
 * the server pings them. Memory per connection: the growth of the server's RSS, at its highest from
 * the moment they are open and quiet to the end of the hold (read every second), over its RSS before
 * they opened (rssBase, read by settledRss once the warmed-up server was quiet, after settleS s), ÷ the connections.
 */
export async function idleConnections(server, o, { label, connections, endpoint, hold, rssBase, settleS }) {
  const run = nextRun();
  const events = new ConnectionEvents();
  const present = new Uint8Array(connections);
  let nPresent = 0;
  let frames = 0;
  let lastFrameAt = performance.now();
  const inRoom = endpoint === 'room';
  const onMessage = (i, data) => {
    frames++;
    lastFrameAt = performance.now();
    if (inRoom && !present[i] && data.indexOf(WELCOME) >= 0) {
      present[i] = 1;
      nPresent++;
    }
  };
  const onOpen = inRoom ? null : (i) => {
    present[i] = 1;
    nPresent++;
  };
  const deadline = Date.now() + o.timeout * 1000;
  const client0 = process.cpuUsage();
  const opened = await openMany(connections, {
    conc: o.conc, origin: origin(server), protocols: inRoom ? offer(server, o) : [], onMessage, onOpen, deadline, events,
    urlOf: (i) => wsUrl(server, inRoom ? `/ws/chat/${label}-${run}?name=i${i}` : '/echo'),
  });
  const openCount = opened.socks.filter(Boolean).length;
  const start = opened.startedAt;
  await until(() => nPresent >= openCount, deadline);
  const readyAt = performance.now();
  await quiet(() => lastFrameAt, 1000, Math.max(0, deadline - Date.now()));
  const openingClientPct = clientCpuPct(process.cpuUsage(client0), performance.now() - start);
  const rssSettled = rssKiB(server.pid);
  const cpu0 = cpuMicros(server.pid);
  const pings0 = events.pings;
  const holdStart = performance.now();
  let rssMax = rssSettled;
  const holdEnd = Date.now() + hold * 1000;
  while (Date.now() < holdEnd) {
    await sleep(Math.min(1000, Math.max(0, holdEnd - Date.now())));
    rssMax = Math.max(rssMax, rssKiB(server.pid));
  }
  const rssEnd = rssKiB(server.pid);
  rssMax = Math.max(rssMax, rssEnd);
  const cpu1 = cpuMicros(server.pid);
  const heldS = (performance.now() - holdStart) / 1000;
  const stillOpen = opened.socks.filter((s) => s && s.readyState === 1).length;
  const pings = events.pings - pings0;
  const summary = events.summary();
  const closed = await closeAll(opened.socks, 30000, events);
  return {
    server: server.kind, workload: label, subprotocol: chosen(opened.socks), endpoint, connections, opened: openCount,
    connect_errors: opened.errors,
    present: nPresent, ready_s: round((readyAt - start) / 1000, 3), hold_s: round(heldS, 1),
    still_open: stillOpen, pings_received: pings, pings_per_connection: round(pings / Math.max(1, openCount), 2),
    rss_base_kib: rssBase, rss_base_wait_s: settleS, rss_settled_kib: rssSettled, rss_end_kib: rssEnd, rss_max_kib: rssMax,
    // The highest RSS from open-and-quiet to the end of the hold: a collection that happens to run just
    // before one reading (Node's often does) does not flatter the figure.
    kib_per_connection: openCount ? round((rssMax - rssBase) / openCount, 1) : null,
    kib_per_connection_settled: openCount ? round((rssSettled - rssBase) / openCount, 1) : null,
    kib_per_connection_end: openCount ? round((rssEnd - rssBase) / openCount, 1) : null,
    hold_server_cpu_pct: round(((cpu1 - cpu0) / 1e6 / heldS) * 100, 2),
    frames_received: frames, opening_client_cpu_pct: openingClientPct,
    ...summary, ...closed,
    ...(opened.errorSamples.length ? { connect_error_samples: opened.errorSamples } : {}),
  };
}

/**
 * Reads the server's RSS once it is quiet, the base that idle connections' memory is measured against:
 * once it has kept its CPU under 3% of a core and its RSS within 256 KiB for 6 s in a row (at most
 * 30 s). Why not at once: a JVM finishes compiling what the warm-up made hot in the seconds after it,
 * and frees its compilers' working memory (HotSpot's chunk pool, every 5 s) a few seconds later; read
 * a second after the warm-up, the base held 4-4.5 MB that was gone 3-4 s later, 2 KiB per connection
 * of 2,000 that flattered the figure in some runs and not in others. Returns { rss, settleS }.
 */
export async function settledRss(server) {
  const start = performance.now();
  let quietFor = 0;
  let cpu = cpuMicros(server.pid);
  let rss = rssKiB(server.pid);
  while (quietFor < 6 && performance.now() - start < 30000) {
    await sleep(1000);
    const cpuNow = cpuMicros(server.pid);
    const rssNow = rssKiB(server.pid);
    quietFor = cpuNow - cpu < 30000 && Math.abs(rssNow - rss) <= 256 ? quietFor + 1 : 0;
    cpu = cpuNow;
    rss = rssNow;
  }
  return { rss, settleS: round((performance.now() - start) / 1000, 1) };
}
