// The lobby: pick a display name and a room, from the list of active rooms or a new one.
import { el } from './dom.js';
import { roomsApiUrl } from './endpoints.js';
import { isValidName, NAME_RULE } from './names.js';

const REFRESH_MS = 5000;
const NAME_KEY = 'wschat.name';

export class Lobby {
  /** @param onJoin called with { name, room } once both are valid (name may be '' for a guest) */
  constructor(onJoin) {
    this.onJoin = onJoin;
    this.section = document.getElementById('lobby');
    this.form = document.getElementById('join-form');
    this.nameInput = document.getElementById('name-input');
    this.roomInput = document.getElementById('room-input');
    this.error = document.getElementById('join-error');
    this.list = document.getElementById('room-list');
    this.datalist = document.getElementById('room-names');
    this.empty = document.getElementById('no-rooms');
    this.timer = null;

    this.nameInput.value = localStorage.getItem(NAME_KEY) ?? '';
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  show() {
    this.section.hidden = false;
    this.refresh();
    // Room counts change while someone reads the list; keep it roughly current.
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    (this.nameInput.value ? this.roomInput : this.nameInput).focus();
  }

  hide() {
    this.section.hidden = true;
    clearInterval(this.timer);
  }

  submit() {
    const name = this.nameInput.value.trim();
    const room = this.roomInput.value.trim() || this.roomInput.placeholder;
    if (name && !isValidName(name)) return this.fail(`A display name is ${NAME_RULE}.`);
    if (!isValidName(room)) return this.fail(`A room name is ${NAME_RULE}.`);
    this.error.hidden = true;
    localStorage.setItem(NAME_KEY, name);
    this.onJoin({ name, room });
  }

  fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  async refresh() {
    let rooms;
    try {
      const response = await fetch(roomsApiUrl(), { headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      ({ rooms } = await response.json());
    } catch {
      return; // offline for a moment: keep showing the last list
    }
    this.render(rooms);
  }

  render(rooms) {
    this.list.replaceChildren(...rooms.map((room) => {
      const button = el('button', { className: 'room', attrs: { type: 'button' }, data: { room: room.name } },
        el('span', { className: 'room-name', text: room.name }),
        el('span', { className: 'room-members', text: `${room.members} online` }));
      button.addEventListener('click', () => {
        this.roomInput.value = room.name;
        this.submit();
      });
      return el('li', {}, button);
    }));
    this.datalist.replaceChildren(...rooms.map((room) => el('option', { attrs: { value: room.name } })));
    this.empty.hidden = rooms.length > 0;
  }
}
