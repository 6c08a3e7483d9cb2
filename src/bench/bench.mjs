#!/usr/bin/env node
// wschat's benchmark driver; src/bench/run is the command that sets it up and calls it.
//
// For each repeat, for each server (wschat, then the Node `ws` yardstick, one at a time): start it
// (timing spawn to first accepted connection), warm it up with a short fan-out and a few direct
// messages, run the join storm, rehearse it (not counted) and run it again, then once on /echo,
// rehearse the traffic workloads and run them, stop it; then, on a fresh server each,
// the idle workloads. The bare container (tomcat-bare), which serves no chat, is warmed up with 50
// handshakes and gets the storms, the idle workloads and the start only. One JSON line per (server,
// workload, run) on stdout; progress and, at the end, the table on stderr; both also under
// target/bench/.
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllServers, startServer, stopAllServers } from './lib/servers.mjs';
import { table } from './lib/report.mjs';
import { idleConnections, joinStorm, pairTraffic, roomTraffic, settledRss } from './lib/workloads.mjs';

const WORKLOADS = ['start', 'fanout', 'rooms', 'pairs', 'storm', 'idle'];
const HELP = `usage: src/bench/run [options]
  --only LIST          workloads, comma-separated: ${WORKLOADS.join(',')} (default: all)
  --servers LIST       wschat,tomcat-dist,tomcat-bare,node: the run command's server, the WAR on a stock
                       Tomcat set up as the README says, the run command's Tomcat with a trivial welcome
                       endpoint instead of the WAR (the container alone: storms, idle and start only), the
                       Node ws yardstick (default wschat,node, in the order given)
  --repeat N           run everything N times, the servers alternating (default 1)
  --quick              smaller workloads (a minute or so)
  --fanout C,M         fan-out: C clients in one room, M messages each (default 50,100)
  --rooms C,R,M        many rooms: C clients in R rooms, M messages each (default 200,20,50)
  --pairs P,M          P pairs of /ws/{user} connections, M direct messages each way (default 100,500)
  --window W           own un-echoed messages in flight per sender (default 10)
  --storm N            connections in the join storm, run twice on the same server (default 2000)
  --idle LIST          idle connection counts held in one room (default 2000,10000)
  --idle-echo LIST     idle connection counts held on /echo (default 10000; '' for none)
  --hold S             seconds idle connections are held (default 20: a ping interval plus the pong timeout)
  --ping-ms MS         server ping interval during idle holds (default 5000)
  --conc N             WebSocket handshakes in flight (default 50)
  --timeout S          bound of each phase (default 180); --stall S: end a run after S s without a delivery (default 10)
  --buffer-size N      Tomcat's WebSocket buffers (org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE) for the
                       run command's server, instead of its 512 bytes
  --no-batch           wschat's clients do not ask for batching (the wschat.batch subprotocol: several
                       messages per frame when they queue up, as the chat page asks): one message per frame
  --rehearsals N       rounds of the traffic workloads run, not counted, before they are measured, and
                       storms before the second storm: a JVM compiles its hot paths during the first few
                       (default 3)
  --no-warmup          measure cold servers (no warm-up, no rehearsals)`;

function parseOptions(argv) {
  const o = {
    only: WORKLOADS, servers: ['wschat', 'node'], repeat: 1, quick: false,
    fanout: [50, 100], rooms: [200, 20, 50], pairs: [100, 500], window: 10, storm: 2000,
    idle: [2000, 10000], idleEcho: [10000], hold: 20, pingMs: 5000, conc: 50, timeout: 180, stall: 10,
    warmup: true, rehearsals: 3, batch: true, bufferSize: null, startTimeout: 120,
    repo: process.cwd(), classpath: null, war: 'target/wschat.war', java: 'java', tomcatHome: null, outDir: 'target/bench',
  };
  const nums = (v) => v.split(',').filter((x) => x !== '').map(Number);
  const given = new Set();
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    given.add(a);
    switch (a) {
      case '--only': o.only = value().split(','); break;
      case '--servers': o.servers = value().split(','); break;
      case '--repeat': o.repeat = Number(value()); break;
      case '--quick': o.quick = true; break;
      case '--fanout': o.fanout = nums(value()); break;
      case '--rooms': o.rooms = nums(value()); break;
      case '--pairs': o.pairs = nums(value()); break;
      case '--window': o.window = Number(value()); break;
      case '--storm': o.storm = Number(value()); break;
      case '--idle': o.idle = nums(value()); break;
      case '--idle-echo': o.idleEcho = nums(value()); break;
      case '--hold': o.hold = Number(value()); break;
      case '--ping-ms': o.pingMs = Number(value()); break;
      case '--conc': o.conc = Number(value()); break;
      case '--timeout': o.timeout = Number(value()); break;
      case '--stall': o.stall = Number(value()); break;
      case '--rehearsals': o.rehearsals = Number(value()); break;
      case '--no-warmup': o.warmup = false; break;
      case '--no-batch': o.batch = false; break;
      case '--buffer-size': o.bufferSize = Number(value()); break;
      case '--repo': o.repo = value(); break;
      case '--classpath': o.classpath = value(); break;
      case '--war': o.war = value(); break;
      case '--java': o.java = value(); break;
      case '--tomcat-home': o.tomcatHome = value(); break;
      case '--out': o.outDir = value(); break;
      case '-h': case '--help': console.error(HELP); process.exit(0); break;
      default: throw new Error(`unknown option ${a}\n${HELP}`);
    }
  }
  if (o.quick) {
    if (!given.has('--fanout')) o.fanout = [20, 50];
    if (!given.has('--rooms')) o.rooms = [100, 10, 20];
    if (!given.has('--pairs')) o.pairs = [50, 100];
    if (!given.has('--storm')) o.storm = 500;
    if (!given.has('--idle')) o.idle = [1000];
    if (!given.has('--idle-echo')) o.idleEcho = [];
    if (!given.has('--hold')) o.hold = 6;
  }
  for (const w of o.only) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}\n${HELP}`);
  for (const s of o.servers) if (!['wschat', 'tomcat-dist', 'tomcat-bare', 'node'].includes(s)) throw new Error(`unknown server ${s}`);
  if (o.servers.some((s) => s !== 'node') && !o.classpath) throw new Error('--classpath is needed to start wschat (src/bench/run passes it)');
  if (o.servers.includes('tomcat-dist') && !o.tomcatHome) throw new Error('--tomcat-home is needed for tomcat-dist (src/bench/run passes it)');
  if (!(o.repeat >= 1 && o.repeat <= 20)) throw new Error('--repeat must be 1..20');
  if (!(o.rehearsals >= 0 && o.rehearsals <= 10)) throw new Error('--rehearsals must be 0..10');
  if (o.fanout.length !== 2 || o.rooms.length !== 3 || o.pairs.length !== 2) throw new Error(`bad workload sizes\n${HELP}`);
  o.outDir = path.resolve(o.repo, o.outDir);
  o.war = path.resolve(o.repo, o.war);
  o.logDir = path.join(o.outDir, 'logs');
  return o;
}

const log = (...parts) => console.error('[bench]', ...parts);
/** Every server but the bare container serves the chat (traffic workloads); the bare one only welcomes and echoes. */
const speaksChat = (kind) => kind !== 'tomcat-bare';

async function main() {
  const o = parseOptions(process.argv);
  mkdirSync(o.logDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const jsonl = path.join(o.outDir, `results-${stamp}.jsonl`);
  const results = [];
  const emit = (r, repeat) => {
    // The machine's load: figures taken while other processes compete for the cores are not comparable.
    const buffer = ['wschat', 'tomcat-bare'].includes(r.server) && o.bufferSize ? { buffer_size: o.bufferSize } : {};
    const line = JSON.stringify({ ...r, ...buffer, run: repeat, load_avg_1m: Number(os.loadavg()[0].toFixed(2)) });
    console.log(line);
    appendFileSync(jsonl, line + '\n');
    results.push(r);
  };
  const wants = (w) => o.only.includes(w);
  const [fanC, fanM] = o.fanout;
  const [roomC, roomR, roomM] = o.rooms;
  const [pairP, pairM] = o.pairs;
  const started = (server, repeat, why) => {
    log(`${server.kind} ${why}: pid ${server.pid}, port ${server.port}, first connection accepted after ${server.startMs.toFixed(0)} ms`
      + ` (${server.serverStartMs === null ? '?' : server.serverStartMs.toFixed(0)} ms after the server process started)`);
    if (wants('start')) {
      emit({ server: server.kind, workload: 'start', start_ms: Math.round(server.startMs),
        server_start_ms: server.serverStartMs === null ? null : Math.round(server.serverStartMs), for: why }, repeat);
    }
  };
  const stop = async (server, repeat, why) => {
    const clean = await server.stop();
    log(`${server.kind} ${clean ? 'stopped' : 'did not stop by itself: killed'} (${server.stopS.toFixed(1)} s after SIGTERM)`);
    if (wants('start')) emit({ server: server.kind, workload: 'stop', stop_s: Number(server.stopS.toFixed(2)), clean, for: why }, repeat);
  };
  const warmUp = async (server) => {
    if (!o.warmup) return;
    const t = performance.now();
    const w = { ...o, stall: 5, timeout: 60 };
    if (!speaksChat(server.kind)) {
      // As many handshakes as the chat servers' warm-up makes (30 room and 20 direct connections).
      await joinStorm(server, w, { label: 'warmup', connections: 50 });
      log(`${server.kind} warmed up in ${((performance.now() - t) / 1000).toFixed(1)} s (50 connections)`);
      return;
    }
    const a = await roomTraffic(server, w, { label: 'warmup', clients: 30, rooms: 1, messages: 60, window: 10 });
    const b = await pairTraffic(server, w, { label: 'warmup', pairs: 10, messages: 100, window: 10 });
    log(`${server.kind} warmed up in ${((performance.now() - t) / 1000).toFixed(1)} s (fan-out ${a.delivered}/${a.expected}, direct ${b.delivered}/${b.expected} delivered)`);
  };
  // The traffic workloads, full size and not counted, before they are measured: a JVM compiles a path
  // only once it is hot, and after the short warm-up alone its JIT compilers took a fifth to a third
  // of the server's CPU during each measured run (server_jit_cpu_pct shows what is left).
  const jitNote = (r) => (r.server_jit_cpu_pct === null ? '' : ` (JIT ${r.server_jit_cpu_pct}%)`);
  const rehearse = async (server) => {
    if (!o.warmup || !speaksChat(server.kind)) return;
    const w = { ...o, stall: 5, timeout: 60 };
    for (let round = 1; round <= o.rehearsals; round++) {
      const t = performance.now();
      const runs = [];
      if (wants('fanout')) runs.push(await roomTraffic(server, w, { label: 'rehearsal', clients: fanC, rooms: 1, messages: fanM, window: o.window }));
      if (wants('rooms')) runs.push(await roomTraffic(server, w, { label: 'rehearsal', clients: roomC, rooms: roomR, messages: roomM, window: o.window }));
      if (wants('pairs')) runs.push(await pairTraffic(server, w, { label: 'rehearsal', pairs: pairP, messages: pairM, window: o.window }));
      const cpu = runs.map((r) => `${r.server_cpu_us_per_delivery} µs${jitNote(r)}`);
      log(`${server.kind} rehearsal ${round}/${o.rehearsals} in ${((performance.now() - t) / 1000).toFixed(1)} s: CPU per delivery ${cpu.join(', ')}`);
    }
  };
  const rehearseStorm = async (server) => {
    if (!o.warmup) return;
    for (let round = 1; round <= o.rehearsals; round++) {
      const r = await joinStorm(server, o, { label: 'storm-rehearsal', connections: o.storm });
      log(`${server.kind} storm rehearsal ${round}/${o.rehearsals}: all welcomed in ${r.ready_s} s,`
        + ` CPU per connection ${r.server_cpu_ms_per_connection} ms${jitNote(r)}`);
    }
  };
  const measure = async (server, name, fn, repeat) => {
    log(`${name} ...`);
    const before = server.problems.count;
    const r = await fn();
    const problems = server.problems.count - before;
    if (problems > 0) {
      r.server_log_problems = problems;
      r.server_log_sample = server.problems.samples.slice(-Math.min(problems, 3));
      log(`${name}: the server logged ${problems} problem line(s), e.g. ${r.server_log_sample[0]}`);
    }
    emit(r, repeat);
  };

  for (let repeat = 1; repeat <= o.repeat; repeat++) {
    for (const kind of o.servers) {
      if (['start', 'fanout', 'rooms', 'pairs', 'storm'].some(wants)) {
        const server = await startServer(kind, o);
        try {
          started(server, repeat, 'traffic');
          if (['fanout', 'rooms', 'pairs', 'storm'].some(wants)) await warmUp(server);
          if (wants('storm')) {
            // First, on a server that has served only the warm-up: a restart's reconnect storm (the JVM
            // compiles its handshake path during it). Then, after as many storms as there are rehearsals
            // (not counted), again: a busy day's storm, on a server whose handshake path is compiled.
            await measure(server, `${kind} storm`, () => joinStorm(server, o, { label: `storm-${o.storm}`, connections: o.storm }), repeat);
            await rehearseStorm(server);
            await measure(server, `${kind} storm again`, () => joinStorm(server, o, { label: `storm-${o.storm}-again`, connections: o.storm }), repeat);
            // The same on /echo, where the server joins and sends nothing: what the handshakes cost without a room.
            await measure(server, `${kind} echo storm`, () => joinStorm(server, o, { label: `storm-${o.storm}-echo`, connections: o.storm, echo: true }), repeat);
          }
          if (['fanout', 'rooms', 'pairs'].some(wants)) await rehearse(server);
          if (wants('fanout') && speaksChat(kind)) {
            await measure(server, `${kind} fanout`, () => roomTraffic(server, o, { label: 'fanout', clients: fanC, rooms: 1, messages: fanM, window: o.window }), repeat);
          }
          if (wants('rooms') && speaksChat(kind)) {
            await measure(server, `${kind} rooms`, () => roomTraffic(server, o, { label: 'rooms', clients: roomC, rooms: roomR, messages: roomM, window: o.window }), repeat);
          }
          if (wants('pairs') && speaksChat(kind)) {
            await measure(server, `${kind} pairs`, () => pairTraffic(server, o, { label: 'pairs', pairs: pairP, messages: pairM, window: o.window }), repeat);
          }
        } finally {
          await stop(server, repeat, 'traffic');
        }
      }
      if (wants('idle')) {
        const variants = [...o.idle.map((n) => ['room', n]), ...o.idleEcho.map((n) => ['echo', n])];
        for (const [endpoint, n] of variants) {
          // A fresh server each time: a JVM's heap does not give memory back, so one hold would inflate the next one's base.
          const label = `${endpoint === 'room' ? 'idle' : 'echo-idle'}-${n}`;
          const server = await startServer(kind, o, { wschatSettings: { 'wschat.pingIntervalMillis': String(o.pingMs) }, pingMs: o.pingMs });
          try {
            started(server, repeat, label);
            await warmUp(server);
            const base = await settledRss(server);
            await measure(server, `${kind} ${label} (hold ${o.hold} s)`, () => idleConnections(server, o, { label, connections: n, endpoint, hold: o.hold, rssBase: base.rss, settleS: base.settleS }), repeat);
          } finally {
            await stop(server, repeat, label);
          }
        }
      }
    }
  }
  const text = table(results, o.servers);
  console.error('\n' + text + '\n');
  console.error(`[bench] JSON lines: ${jsonl}; server logs: ${o.logDir}`);
  writeFileSync(jsonl.replace(/\.jsonl$/, '.txt'), text + '\n');
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping the servers`);
    stopAllServers().finally(() => process.exit(130));
  });
}
process.on('exit', killAllServers);
main().then(() => process.exit(0), (e) => {
  console.error('[bench] failed:', e && e.stack ? e.stack : e);
  killAllServers();
  process.exit(1);
});
