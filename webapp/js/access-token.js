// Sign-in with tokens (server setting wschat.identity=token). The web application that signed the
// user in hands the page a token, and the page sends it with every WebSocket handshake as the
// access_token query parameter (a browser cannot set headers on a WebSocket).
//
//   https://chat.example.com/#access_token=JWT    preferred: a fragment never reaches any server or log
//   https://chat.example.com/?access_token=JWT    also accepted (it is in this page request's access log)
//   ...&token_url=/chat-token                     optional: a same-origin URL of the web application that
//                                                 answers a fresh token for its signed-in user, as text or
//                                                 as {"access_token": "..."}; asked when the token expires
//
// The token is kept in memory only, and taken out of the address bar at once so that it is not
// bookmarked, shared or kept in the history.

let token = null;
let tokenUrl = null;

function readFromAddress(loc = window.location) {
  const query = new URLSearchParams(loc.search);
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  token = fragment.get('access_token') || query.get('access_token') || null;
  const renew = fragment.get('token_url') || query.get('token_url');
  // Only a path on this site: the page must never send its visitor's cookies elsewhere.
  if (renew && renew.startsWith('/') && !renew.startsWith('//')) tokenUrl = renew;
  if (query.has('access_token') || fragment.has('access_token')) {
    query.delete('access_token');
    fragment.delete('access_token');
    const search = query.toString();
    const hash = fragment.toString();
    history.replaceState(history.state, '', `${loc.pathname}${search ? `?${search}` : ''}${hash ? `#${hash}` : ''}`);
  }
}

readFromAddress();

/** The token to send, or null when the page was given none (open or container identity). */
export function accessToken() {
  return token;
}

/**
 * Whether the token has run out by its own exp claim (read, not verified: the server verifies). A
 * handshake with it would only be refused with a 401 that a browser cannot see, over and over.
 */
export function accessTokenExpired(now = Date.now()) {
  if (!token) return false;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload));
    return typeof exp === 'number' && exp * 1000 <= now;
  } catch {
    return false; // not readable here: let the server judge it
  }
}

/** Asks the web application for a new token; true if one came. */
export async function renewAccessToken() {
  if (!tokenUrl) return false;
  try {
    const response = await fetch(tokenUrl, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return false;
    const body = (await response.text()).trim();
    const fresh = body.startsWith('{') ? JSON.parse(body).access_token : body;
    if (typeof fresh !== 'string' || !fresh) return false;
    token = fresh;
    return true;
  } catch {
    return false;
  }
}
