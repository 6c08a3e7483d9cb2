// Ids the page gives its messages (client_id): random, 128 bits. crypto.getRandomValues works on plain
// http: too, where crypto.randomUUID does not (it needs a secure context).
export function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
