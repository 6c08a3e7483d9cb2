// The server's naming rule for rooms and users (io.wschat.protocol.Names), checked here too so the
// lobby can say what is wrong instead of the server just refusing the connection.
const ALLOWED = /^[\p{L}\p{M}\p{Nd}._-]+$/u;
const MAX_LENGTH = 64;

export function isValidName(name) {
  return ALLOWED.test(name)
    && [...name].length <= MAX_LENGTH // counted in code points, as the server does
    && !/^\.+$/.test(name);
}

export const NAME_RULE = '1–64 letters, digits, "-", "_" or "." (not only dots)';
