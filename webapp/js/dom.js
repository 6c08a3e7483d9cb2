// The one way this page builds DOM. Text always goes in through textContent, never as HTML, so a
// message such as <img src=x onerror=alert(1)> is shown as those characters and nothing runs.

/**
 * el('li', { className: 'message', text: 'hi', data: { id: '7' }, attrs: { title: 't' } }, ...children)
 */
export function el(tag, { className, text, data, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(data ?? {})) node.dataset[key] = value;
  for (const [key, value] of Object.entries(attrs ?? {})) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** "14:05" in the reader's locale; the full date and time go in the tooltip. */
export function timeElement(iso) {
  // Java's Instant prints up to nine fraction digits; keep three, which every Date parser accepts.
  const date = new Date(String(iso).replace(/(\.\d{3})\d+/, '$1'));
  const valid = !Number.isNaN(date.getTime());
  return el('time', {
    text: valid ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '',
    attrs: valid ? { datetime: date.toISOString(), title: date.toLocaleString() } : {},
  });
}
