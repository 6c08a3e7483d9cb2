#!/usr/bin/env node
// The yardstick of wschat's benchmark: a minimal room server on Node's `ws` 8, speaking the part of
// wschat's protocol the workloads use and doing the same work per message: parse each incoming frame
// as JSON, check it, encode the outgoing frame once, send it to every receiver. Nothing wschat could
// not do too (no batching across messages, no skipped parsing).
//
//   node ws-room-server.mjs --port 8090 [--host 127.0.0.1] [--ping-ms 0]
//
// /ws/chat/{room}[/]?name=N  welcome on connect; {"message":...} -> chat.message (per-room offset) to
//                            every member, sender included
// /ws/{user}[/]              {"message":...,"to_user":...} -> direct.message to every connection of
//                            to_user and of the sender; error user_offline if to_user has none
// /echo[/]                   echoes every text frame
// Like wschat: frames over 64 KiB are refused (1009), binary frames closed (1003), a connection whose
// unsent bytes pass 1 MiB is closed as a slow consumer (1008), and with --ping-ms every connection is
// pinged at that interval and dropped if it missed the previous pong.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(option('--port', '8090'));
const host = option('--host', '127.0.0.1');
const pingMs = Number(option('--ping-ms', '0'));

const MAX_MESSAGE_BYTES = 65536;
const OUTBOX_BYTES = 1048576;
const NAME = /^[\p{L}\p{N}_.-][\p{L}\p{M}\p{N}_.-]{0,63}$/u; // wschat's rule, near enough: 1-64 letters, digits, - _ .

const rooms = new Map(); // room name -> { members: Set<ws>, offset }
const users = new Map(); // user name -> Set<ws>

const encode = (frame) => Buffer.from(JSON.stringify(frame)); // once per message, shared by every receiver
const error = (code, detail) => encode({ type: 'error', code, detail });

function send(ws, buf) {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > OUTBOX_BYTES) {
    ws.close(1008, 'slow consumer');
    return;
  }
  ws.send(buf, { binary: false });
}

/** The frame as an object with a non-blank string `message`, or null after answering with an error. */
function parse(ws, data, isBinary) {
  if (isBinary) {
    ws.close(1003, 'binary frames are not accepted');
    return null;
  }
  let o;
  try {
    o = JSON.parse(data);
  } catch (e) {
    send(ws, error('bad_json', 'not valid JSON'));
    return null;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    send(ws, error('not_an_object', 'expected a JSON object'));
    return null;
  }
  if (typeof o.message !== 'string') {
    send(ws, error('bad_field', 'message must be a string'));
    return null;
  }
  if (o.message.trim() === '') {
    send(ws, error('empty_message', 'message is empty'));
    return null;
  }
  return o;
}

function joinRoom(ws, roomName, query) {
  const name = query.get('name');
  if (name !== null && !NAME.test(name)) {
    ws.close(1008, 'invalid name parameter');
    return;
  }
  const user = name ?? 'guest-' + randomBytes(3).toString('hex');
  let room = rooms.get(roomName);
  if (!room) rooms.set(roomName, (room = { members: new Set(), offset: 0 }));
  room.members.add(ws);
  send(ws, encode({ type: 'welcome', room: roomName, user, epoch: '1' }));
  ws.on('message', (data, isBinary) => {
    const o = parse(ws, data, isBinary);
    if (!o) return;
    const frame = encode({
      type: 'chat.message', offset: ++room.offset, room: roomName, user, message: o.message,
      ts: new Date().toISOString(),
    });
    for (const member of room.members) send(member, frame);
  });
  ws.on('close', () => {
    room.members.delete(ws);
    if (room.members.size === 0) rooms.delete(roomName);
  });
}

function joinUser(ws, user) {
  let own = users.get(user);
  if (!own) users.set(user, (own = new Set()));
  own.add(ws);
  ws.on('message', (data, isBinary) => {
    const o = parse(ws, data, isBinary);
    if (!o) return;
    if (typeof o.to_user !== 'string' || !NAME.test(o.to_user)) {
      send(ws, error('invalid_name', 'to_user is not a valid user name'));
      return;
    }
    const theirs = users.get(o.to_user);
    if (!theirs) {
      send(ws, error('user_offline', `user '${o.to_user}' is not connected`));
      return;
    }
    const frame = encode({
      type: 'direct.message', message: o.message, from_user: user, to_user: o.to_user,
      ts: new Date().toISOString(),
    });
    for (const c of theirs) send(c, frame);
    if (theirs !== own) for (const c of own) send(c, frame);
  });
  ws.on('close', () => {
    own.delete(ws);
    if (own.size === 0 && users.get(user) === own) users.delete(user);
  });
}

function echo(ws) {
  ws.on('message', (data, isBinary) => {
    if (isBinary) ws.close(1003, 'binary frames are not accepted');
    else send(ws, data);
  });
}

const server = http.createServer((req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});
const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
const ROOM = /^\/ws\/chat\/([^/]+)\/?$/;
const USER = /^\/ws\/([^/]+)\/?$/;

const decode = (segment) => {
  try {
    return decodeURIComponent(segment);
  } catch (e) {
    return null; // malformed percent-encoding: no such room or user
  }
};

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://localhost');
  let route = null;
  let m;
  if (url.pathname === '/echo' || url.pathname === '/echo/') {
    route = (ws) => echo(ws);
  } else if ((m = ROOM.exec(url.pathname))) {
    const room = decode(m[1]);
    if (room !== null && NAME.test(room)) route = (ws) => joinRoom(ws, room, url.searchParams);
  } else if ((m = USER.exec(url.pathname))) {
    const user = decode(m[1]);
    if (user !== null && NAME.test(user)) route = (ws) => joinUser(ws, user);
  }
  if (!route) {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.alive = true;
    ws.on('pong', () => { ws.alive = true; });
    ws.on('error', () => ws.terminate());
    route(ws);
  });
});

if (pingMs > 0) {
  setInterval(() => {
    for (const ws of wss.clients) {
      if (!ws.alive) { ws.terminate(); continue; }
      ws.alive = false;
      ws.ping();
    }
  }, pingMs).unref();
}

server.listen(port, host, () => {
  console.log(`ws-room-server is ready at http://${host}:${server.address().port}/  (pid ${process.pid})`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const ws of wss.clients) ws.terminate();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
