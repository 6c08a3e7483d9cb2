// Starting and stopping the servers under test, and timing their start.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ageMs, isAlive } from './proc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** wschat's limits raised for load; the defaults are set for people, not benchmarks. */
export const WSCHAT_LOAD_SETTINGS = {
  'wschat.messagesPerSecond': '1000000',
  'wschat.messageBurst': '1000000',
  'wschat.maxConnectionsPerAddress': '100000',
  'wschat.maxConnections': '100000',
  'wschat.drainSeconds': '0', // the benchmark closes its clients before stopping the server
};

/** A line of a server's output reporting trouble (java.util.logging levels, uncaught exceptions). */
const PROBLEM = /^(SEVERE|WARNING):|Exception in thread|OutOfMemoryError|^Error:/;
/** What support.StockTomcat's launcher prints when it had to kill the server it stops. */
const KILLED_BY_LAUNCHER = /did not stop within \d+ s of SIGTERM: killed/;

const live = new Set(); // servers started and not yet stopped, killed if the benchmark dies

/** A free loopback port (the kernel's choice, released just before the server binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server and waits until it accepted a WebSocket connection on /echo.
 * kind 'wschat': java -cp CP [-Dwschat.*] io.wschat.DevServer WAR PORT (the run command's server; it
 * launches the real server in a JVM of its own and prints that pid, which is what gets measured).
 * kind 'tomcat-dist': java -cp CP -Dtomcat.home=DIR [-Dwschat.*] io.wschat.support.StockTomcat WAR PORT
 * (the WAR on a stock Tomcat with the README's settings; Tomcat's pid is measured, its log is under
 * target/stock-tomcat/, not scanned for problems).
 * kind 'tomcat-bare': java -cp CP io.wschat.BareTomcat PORT (the run command's embedded Tomcat and JVM
 * serving a trivial welcome endpoint instead of the WAR: what the container alone costs; it launches
 * its server JVM as DevServer does).
 * kind 'node': node ws-room-server.mjs --port PORT.
 * Returns { kind, pid, launcherPid, port, startMs, serverStartMs, stop() }: startMs from the spawn of
 * what was launched, serverStartMs from the start of the server's own process (for wschat, the JVM
 * that DevServer launches; in the run command that launcher is Maven's JVM, already running).
 */
export async function startServer(kind, o, extra = {}) {
  const port = await freePort();
  let command;
  let args;
  if (kind === 'tomcat-bare') {
    command = o.java;
    args = ['-cp', o.classpath];
    if (o.bufferSize) args.push(`-Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=${o.bufferSize}`);
    args.push('io.wschat.BareTomcat', String(port));
  } else if (kind === 'wschat' || kind === 'tomcat-dist') {
    const settings = { ...WSCHAT_LOAD_SETTINGS, ...extra.wschatSettings };
    command = o.java;
    args = ['-cp', o.classpath, ...Object.entries(settings).map(([k, v]) => `-D${k}=${v}`)];
    if (kind === 'wschat' && o.bufferSize) args.push(`-Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=${o.bufferSize}`);
    if (kind === 'wschat') args.push('io.wschat.DevServer', o.war, String(port));
    else args.push(`-Dtomcat.home=${o.tomcatHome}`, 'io.wschat.support.StockTomcat', o.war, String(port));
  } else if (kind === 'node') {
    command = process.execPath;
    args = [path.join(here, '..', 'ws-room-server.mjs'), '--port', String(port)];
    if (extra.pingMs) args.push('--ping-ms', String(extra.pingMs));
  } else {
    throw new Error('unknown server ' + kind);
  }
  const log = createWriteStream(path.join(o.logDir, `${kind}-${port}.log`));
  const spawnedAt = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: o.repo });
  const server = {
    kind, port, launcherPid: child.pid, pid: null, startMs: null, serverStartMs: null, serverSpawnedAt: null, child, log, exited: false,
    problems: { count: 0, samples: [] }, // lines of the server's output that report trouble
  };
  live.add(server);
  child.on('exit', () => { server.exited = true; });
  let output = '';
  let partial = '';
  const pidSeen = new Promise((resolve) => {
    const onData = (chunk) => {
      log.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop().slice(-2000);
      for (const line of lines) {
        if (KILLED_BY_LAUNCHER.test(line)) server.killedByLauncher = true;
        if (PROBLEM.test(line)) {
          server.problems.count++;
          server.problems.samples.push(line.slice(0, 300));
          if (server.problems.samples.length > 20) server.problems.samples.shift();
        }
      }
      if (server.pid === null) {
        output = (output + chunk.toString()).slice(-4000);
        const m = /is ready (?:on a stock Tomcat )?at http:\/\/\S+\s+\(pid (\d+)/.exec(output);
        if (m) {
          server.pid = Number(m[1]);
          try {
            server.serverSpawnedAt = Math.max(spawnedAt, performance.now() - ageMs(server.pid));
          } catch (e) {
            // gone already: no server start time
          }
          resolve();
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => resolve());
  });
  const deadline = Date.now() + o.startTimeout * 1000;
  const accepted = await firstAccepted(port, deadline, () => server.exited);
  if (accepted !== null) server.startMs = accepted - spawnedAt;
  await Promise.race([pidSeen, sleep(Math.max(0, deadline - Date.now()))]);
  if (accepted !== null && server.serverSpawnedAt !== null) server.serverStartMs = accepted - server.serverSpawnedAt;
  if (server.startMs === null || server.pid === null) {
    await stopServer(server);
    throw new Error(`${kind} did not start within ${o.startTimeout} s (log: ${log.path}):\n${output.slice(-1500)}`);
  }
  server.stop = () => stopServer(server);
  return server;
}

/** Retries a WebSocket handshake to /echo until one is accepted: the time it was (performance.now()), or null. */
async function firstAccepted(port, deadline, gaveUp) {
  while (Date.now() < deadline && !gaveUp()) {
    const at = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, {
        handshakeTimeout: 5000, headers: { Origin: `http://127.0.0.1:${port}` },
      });
      ws.on('open', () => { resolve(performance.now()); ws.terminate(); });
      ws.on('error', () => resolve(null));
      ws.on('unexpected-response', (req, res) => { res.resume(); resolve(null); ws.terminate(); });
    });
    if (at !== null) return at;
    await sleep(20);
  }
  return null;
}

/**
 * SIGTERM to what was spawned (wschat's launcher passes it on to the server JVM and waits for it),
 * then makes sure neither process is left: SIGKILL after graceMs (40 s). Returns true if it stopped by
 * itself (not if a launcher killed it: support.StockTomcat does after 30 s); server.stopS says how long it took.
 */
export async function stopServer(server, graceMs = 40000) {
  if (!live.has(server)) return true;
  const start = performance.now();
  const pids = [server.pid, server.launcherPid].filter((p) => p);
  if (!server.exited) server.child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  const clean = !pids.some(isAlive) && !server.killedByLauncher;
  server.stopS = (performance.now() - start) / 1000;
  for (const p of pids) if (isAlive(p)) try { process.kill(p, 'SIGKILL'); } catch (e) { /* gone meanwhile */ }
  live.delete(server);
  server.log.end();
  return clean;
}

/** On Ctrl+C: SIGTERM to every server still running, SIGKILL to what is left after 10 s. */
export async function stopAllServers() {
  await Promise.all([...live].map((server) => stopServer(server, 10000)));
}

/** Last resort when the benchmark itself is ending abnormally: no server outlives it. */
export function killAllServers() {
  for (const server of live) {
    for (const p of [server.pid, server.launcherPid]) {
      if (p && isAlive(p)) try { process.kill(p, 'SIGKILL'); } catch (e) { /* gone meanwhile */ }
    }
  }
  live.clear();
}
