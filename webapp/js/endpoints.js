// Where the server is. The page can be deployed under any context path ("/", "/chat/", "/a/b/"),
// so every address is built from the directory the page itself was served from, and the
// WebSocket scheme follows the page's: wss: when the page came over https:, ws: otherwise.
// With a sign-in token (see access-token.js) every WebSocket address carries it as access_token.
import { accessToken } from './access-token.js';

/** The page's directory, e.g. "/chat/" for http://host/chat/ or http://host/chat/index.html. */
export function contextPath(loc = window.location) {
  return loc.pathname.replace(/[^/]*$/, '');
}

function socketUrl(path, params = {}, loc = window.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams();
  Object.entries(params).forEach(([key, value]) => value && query.set(key, value));
  const token = accessToken();
  if (token) query.set('access_token', token);
  const search = query.toString();
  return `${scheme}//${loc.host}${contextPath(loc)}${path}${search ? `?${search}` : ''}`;
}

/**
 * Room chat; without a name the server picks a guest name (with a sign-in token, the token names you).
 * With resume ({since, epoch}: the last offset seen and its epoch), the server replays exactly what
 * was missed, if it still can.
 */
export function roomUrl(room, name, resume = null) {
  const params = { name };
  if (resume) {
    params.since = String(resume.since);
    params.epoch = resume.epoch;
  }
  return socketUrl(`ws/chat/${encodeURIComponent(room)}`, params);
}

/** Direct messages: the path names the user this connection receives for. */
export function directUrl(user) {
  return socketUrl(`ws/${encodeURIComponent(user)}`);
}

export function echoUrl() {
  return socketUrl('echo');
}

/** The active rooms; with a sign-in token, only those it allows (the server needs the token to answer). */
export function roomsApiUrl() {
  const token = accessToken();
  return `${contextPath()}api/rooms${token ? `?access_token=${encodeURIComponent(token)}` : ''}`;
}
