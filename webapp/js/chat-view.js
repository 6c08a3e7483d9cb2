// The room screen: conversation tabs (the room and one per private conversation), their message
// lists, the member list and the connection status. It only draws; chat-session.js decides what.
import { el, timeElement } from './dom.js';

export const ROOM = 'room';
export const directKey = (peer) => `dm:${peer}`;

const STATUS_TEXT = { idle: 'not connected', connecting: 'connecting…', live: 'live', closed: 'disconnected' };

export class ChatView {
  /**
   * @param onSend        (conversationKey, text) => boolean, true if it went out
   * @param onOpenDirect  (username) => void, the reader asked for a private conversation
   * @param onLeave       () => void
   */
  constructor({ onSend, onOpenDirect, onLeave }) {
    this.onOpenDirect = onOpenDirect;
    this.section = document.getElementById('chat');
    this.tabs = document.getElementById('tabs');
    this.panes = document.getElementById('panes');
    this.members = document.getElementById('members');
    this.memberCount = document.getElementById('member-count');
    this.status = document.getElementById('status');
    this.me = document.getElementById('me');
    this.roomTitle = document.getElementById('room-title');
    this.leave = document.getElementById('leave');
    this.input = document.getElementById('text-input');
    this.conversations = new Map(); // key -> { tab, badge, pane, unread, title }
    this.active = null;
    this.myName = null;

    // A form submits on Enter in its text field, which is exactly "Enter sends".
    document.getElementById('send-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (text.trim() && onSend(this.active, text)) this.input.value = '';
      this.input.focus();
    });
    document.getElementById('dm-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const field = document.getElementById('dm-input');
      const user = field.value.trim();
      if (user) {
        onOpenDirect(user);
        field.value = '';
      }
    });
    this.leave.addEventListener('click', () => onLeave());
  }

  show(room) {
    this.reset();
    this.roomTitle.textContent = `#${room}`;
    this.roomTitle.hidden = false;
    this.leave.hidden = false;
    this.section.hidden = false;
    this.conversation(ROOM, `#${room}`);
    this.activate(ROOM);
  }

  hide() {
    this.section.hidden = true;
    this.roomTitle.hidden = true;
    this.leave.hidden = true;
    this.me.hidden = true;
    this.setStatus('idle');
    this.reset();
  }

  reset() {
    this.conversations.clear();
    this.tabs.replaceChildren();
    this.panes.replaceChildren();
    this.members.replaceChildren();
    this.memberCount.textContent = '';
    this.count = undefined;
    this.active = null;
  }

  // ---- header -------------------------------------------------------------------------------

  setMe(name) {
    this.myName = name;
    this.me.textContent = `you are ${name}`;
    this.me.hidden = false;
    this.memberItems().forEach((li) => this.drawMember(li));
  }

  /** The private-message connection's state, shown as a dot by the name (and as its tooltip). */
  setDirectState(state) {
    this.me.dataset.direct = state;
    this.me.title = `private messages: ${STATUS_TEXT[state] ?? state}`;
  }

  /** state: idle | connecting | live | reconnecting | refused | closed */
  setStatus(state, detail = {}) {
    let text = STATUS_TEXT[state] ?? state;
    if (state === 'reconnecting') {
      const seconds = detail.delayMs !== undefined ? ` in ${Math.max(1, Math.round(detail.delayMs / 1000))} s` : '';
      text = `reconnecting${seconds}…`;
    } else if (state === 'refused') {
      text = `refused: ${detail.reason}`;
    }
    this.status.dataset.state = state;
    this.status.textContent = text;
  }

  // ---- members ------------------------------------------------------------------------------

  /**
   * The member list: a large room's list holds only its first names (the server's list limit), and
   * count says how many members there are in all.
   */
  setMembers(names, count = names.length) {
    this.members.replaceChildren(...names.map((name) => this.memberItem(name)));
    this.setCount(count);
  }

  addMember(name, count) {
    if (!this.memberElement(name)) this.members.append(this.memberItem(name));
    this.setCount(count);
  }

  removeMember(name, count) {
    this.memberElement(name)?.remove();
    this.setCount(count);
  }

  renameMember(from, to, count) {
    const li = this.memberElement(from);
    if (!li) return this.addMember(to, count);
    if (this.memberElement(to)) return this.removeMember(from, count);
    li.dataset.name = to;
    this.drawMember(li);
    return this.setCount(count);
  }

  /** How many members the room has (the list may show only some of them). */
  setCount(count) {
    this.count = count;
    this.countMembers();
  }

  memberElement(name) {
    return [...this.members.children].find((li) => li.dataset.name === name);
  }

  memberItems() {
    return [...this.members.children].filter((li) => li.dataset.name !== undefined);
  }

  memberItem(name) {
    const li = el('li', { data: { name } });
    this.drawMember(li);
    return li;
  }

  drawMember(li) {
    const name = li.dataset.name;
    if (name === this.myName) {
      li.className = 'member-me';
      li.replaceChildren(el('span', { className: 'member', text: name }), el('span', { className: 'tag', text: 'you' }));
      return;
    }
    li.className = '';
    const button = el('button', { className: 'member', text: name, attrs: { type: 'button', title: `Message ${name} privately` } });
    button.addEventListener('click', () => this.onOpenDirect(name));
    li.replaceChildren(button);
  }

  countMembers() {
    this.members.querySelector('li.more')?.remove();
    const listed = this.memberItems().length;
    const count = Math.max(this.count ?? listed, listed);
    this.memberCount.textContent = String(count);
    if (count > listed) this.members.append(el('li', { className: 'more', text: `and ${count - listed} more` }));
  }

  // ---- conversations ------------------------------------------------------------------------

  /** The conversation's record, creating its tab and message list the first time. */
  conversation(key, title) {
    let c = this.conversations.get(key);
    if (c) return c;
    const badge = el('span', { className: 'unread', attrs: { 'aria-label': 'unread messages' } });
    badge.hidden = true;
    const tab = el('button', { className: 'tab', data: { conversation: key }, attrs: { type: 'button', role: 'tab' } },
      el('span', { className: 'tab-title', text: title }), badge);
    tab.addEventListener('click', () => this.activate(key));
    const pane = el('ol', { className: 'messages', data: { conversation: key }, attrs: { 'aria-live': 'polite' } });
    pane.hidden = true;
    c = { key, title, tab, badge, pane, unread: 0 };
    this.conversations.set(key, c);
    this.tabs.append(tab);
    this.panes.append(pane);
    return c;
  }

  activate(key) {
    for (const c of this.conversations.values()) {
      const on = c.key === key;
      c.pane.hidden = !on;
      c.tab.classList.toggle('active', on);
      c.tab.setAttribute('aria-selected', String(on));
    }
    this.active = key;
    const c = this.conversations.get(key);
    c.unread = 0;
    this.drawUnread(c);
    c.pane.scrollTop = c.pane.scrollHeight;
    this.input.placeholder = key === ROOM ? `Message ${c.title}, Enter sends` : `Private message to ${c.title}`;
    this.input.focus();
  }

  /** Counts a message the reader has not seen yet, unless its conversation is on screen. */
  markUnread(key) {
    const c = this.conversations.get(key);
    if (!c || (key === this.active && !document.hidden)) return;
    c.unread += 1;
    this.drawUnread(c);
  }

  drawUnread(c) {
    c.badge.textContent = String(c.unread);
    c.badge.hidden = c.unread === 0;
    c.tab.classList.toggle('has-unread', c.unread > 0);
  }

  // ---- messages -----------------------------------------------------------------------------

  /** message: { offset?, user, text, ts, mine, history, pending }; returns its list item. */
  addMessage(key, message) {
    const classes = ['message'];
    if (message.mine) classes.push('mine');
    if (message.history) classes.push('history');
    if (message.pending) classes.push('pending');
    const li = el('li', { className: classes.join(' '), data: message.offset !== undefined ? { offset: String(message.offset) } : {} },
      el('div', { className: 'meta' }, el('span', { className: 'from', text: message.user }), timeElement(message.ts)),
      el('p', { className: 'text', text: message.text }));
    if (message.pending) li.append(el('p', { className: 'delivery', text: 'sending…' }));
    this.append(key, li);
    return li;
  }

  /** A message of ours the server has not acknowledged yet. */
  markPending(li) {
    li.classList.add('pending');
    li.classList.remove('failed');
    li.querySelector('.delivery')?.remove();
    li.append(el('p', { className: 'delivery', text: 'sending…' }));
  }

  /**
   * The server stored it at this offset (or, without one, delivered it). It moves from among the
   * messages on their way, at the bottom, to after the last stored one: where everyone else sees it.
   */
  markStored(li, offset) {
    const wasPending = li.classList.contains('pending');
    li.classList.remove('pending', 'failed');
    li.querySelector('.delivery')?.remove();
    if (offset !== undefined) li.dataset.offset = String(offset);
    if (wasPending) li.parentElement.insertBefore(li, li.parentElement.querySelector('li.pending'));
  }

  /** It was not sent; with onResend, a button sends it again. */
  markFailed(li, reason, onResend) {
    li.classList.remove('pending');
    li.classList.add('failed');
    li.querySelector('.delivery')?.remove();
    const line = el('p', { className: 'delivery', text: `${reason} ` });
    if (onResend) {
      const button = el('button', { className: 'resend', text: 'Resend', attrs: { type: 'button' } });
      button.addEventListener('click', onResend);
      line.append(button);
    }
    li.append(line);
  }

  /** A line about the conversation rather than in it: joins, leaves, renames, errors. */
  addNotice(key, text, kind = 'info') {
    this.append(key, el('li', { className: `notice notice-${kind}`, text }));
  }

  append(key, li) {
    const pane = this.conversations.get(key).pane;
    // Follow new messages only if the reader is already at the bottom, not reading back.
    const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
    // Our messages still on their way stay at the bottom, in the order sent, under what arrives meanwhile.
    pane.insertBefore(li, li.classList.contains('pending') ? null : pane.querySelector('li.pending'));
    if (atBottom) pane.scrollTop = pane.scrollHeight;
  }
}
