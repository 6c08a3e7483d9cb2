// The echo demo (echo.html): one WebSocket per click to /echo, one message there and back.
import { echoUrl } from './endpoints.js';

const form = document.getElementById('echo-form');
const input = document.getElementById('echo-input');
const output = document.getElementById('echo-output');
const state = document.getElementById('echo-state');

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const message = input.value;
  output.textContent = '';
  state.textContent = 'connecting…';
  const socket = new WebSocket(echoUrl());
  socket.addEventListener('open', () => {
    state.textContent = 'sent, waiting for the echo…';
    socket.send(message);
  });
  socket.addEventListener('message', (e) => {
    output.textContent = e.data;
    state.textContent = 'echoed.';
    socket.close(1000, 'done');
  });
  socket.addEventListener('error', () => {
    state.textContent = 'could not reach /echo.';
  });
});
