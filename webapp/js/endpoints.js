// Where the server is. The page can be deployed under any context path ("/", "/chat/", "/a/b/"),
// so every address is built from the directory the page itself was served from, and the
// WebSocket scheme follows the page's: wss: when the page came over https:, ws: otherwise.

/** The page's directory, e.g. "/chat/" for http://host/chat/ or http://host/chat/index.html. */
export function contextPath(loc = window.location) {
  return loc.pathname.replace(/[^/]*$/, '');
}

function socketUrl(path, loc = window.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${contextPath(loc)}${path}`;
}

/**
 * Room chat; without a name the server picks a guest name. With resume ({since, epoch}: the last offset
 * seen and its epoch), the server replays exactly what was missed, if it still can.
 */
export function roomUrl(room, name, resume = null) {
  const params = new URLSearchParams();
  if (name) params.set('name', name);
  if (resume) {
    params.set('since', String(resume.since));
    params.set('epoch', resume.epoch);
  }
  const query = params.toString();
  return socketUrl(`ws/chat/${encodeURIComponent(room)}${query ? `?${query}` : ''}`);
}

/** Direct messages: the path names the user this connection receives for. */
export function directUrl(user) {
  return socketUrl(`ws/${encodeURIComponent(user)}`);
}

export function echoUrl() {
  return socketUrl('echo');
}

export function roomsApiUrl() {
  return `${contextPath()}api/rooms`;
}
