import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { keyBytes, sameKey } from '../../../webroot/lib/web-push.js';

/** The service worker (webroot/sw.js) in a sandbox standing for its global scope: what it shows and what it opens. */
function worker({ windows = [] } = {}) {
  const listeners = {};
  const shown = [];
  const opened = [];
  const self = {
    addEventListener: (type, fn) => { listeners[type] = fn; },
    skipWaiting: () => {},
    registration: { showNotification: async (title, options) => shown.push({ title, options }) },
    clients: {
      claim: async () => {},
      matchAll: async () => windows,
      openWindow: async (url) => opened.push(url),
    },
  };
  vm.runInNewContext(readFileSync(new URL('../../../webroot/sw.js', import.meta.url), 'utf8'), { self, URL, Date });
  async function dispatch(type, event) {
    let done = Promise.resolve();
    listeners[type]({ ...event, waitUntil: (p) => { done = p; } });
    await done;
  }
  return { dispatch, shown, opened };
}

const data = (text) => ({ json: () => JSON.parse(text), text: () => text });

test('issue 31.3: a push shows its title and text, tagged per conversation, opening the chat', async () => {
  const sw = worker();
  await sw.dispatch('push', { data: data(JSON.stringify({ title: 'Ada Admin', body: 'Bring <b>£5</b>.', tag: 'homeroom-conversation-7',
    url: '/student', conversationId: 7, seq: 3 })) });
  assert.equal(sw.shown.length, 1);
  assert.equal(sw.shown[0].title, 'Ada Admin');
  assert.equal(sw.shown[0].options.body, 'Bring <b>£5</b>.');
  assert.equal(sw.shown[0].options.tag, 'homeroom-conversation-7');
  assert.equal(sw.shown[0].options.renotify, true);
  assert.deepEqual({ ...sw.shown[0].options.data }, { url: '/student', conversationId: 7, seq: 3 });
});

test('issue 31.3: a malformed push still shows a notification (browsers require one), and never points elsewhere', async () => {
  const sw = worker();
  await sw.dispatch('push', { data: data('not json') });
  await sw.dispatch('push', { data: data(JSON.stringify({ title: 5, url: 'https://evil.example/' })) });
  await sw.dispatch('push', { data: data(JSON.stringify({ url: '//evil.example/x' })) });
  await sw.dispatch('push', { data: null });
  assert.deepEqual(sw.shown.map((s) => s.title), ['Homeroom', 'Homeroom', 'Homeroom', 'Homeroom']);
  assert.equal(sw.shown[0].options.body, 'not json');
  assert.deepEqual(sw.shown.map((s) => s.options.data.url), ['/student', '/student', '/student', '/student']);
});

test('issue 31.3: a click focuses an open Homeroom window (moving it to the chat), else opens one', async () => {
  const closed = [];
  const notification = (url) => ({ data: { url }, close: () => closed.push(url) });
  const none = worker();
  await none.dispatch('notificationclick', { notification: notification('/student') });
  assert.deepEqual(none.opened, ['/student']);
  assert.deepEqual(closed, ['/student']);

  const visits = [];
  const other = { url: 'http://localhost/login', focus: async () => visits.push('focus'), navigate: async (u) => visits.push(u) };
  const one = worker({ windows: [other] });
  await one.dispatch('notificationclick', { notification: notification('https://evil.example/') });
  assert.deepEqual(one.opened, [], 'no new window');
  assert.deepEqual(visits, ['focus', '/student'], 'the open one, moved to the chat (never another site)');

  const chat = { url: 'http://localhost/student', focus: async () => visits.push('chat focus'), navigate: async (u) => visits.push(`chat ${u}`) };
  const two = worker({ windows: [other, chat] });
  await two.dispatch('notificationclick', { notification: notification('/student') });
  assert.deepEqual(visits.slice(2), ['chat focus'], 'the chat, as it is');
});

test('issue 31.3: the server key as subscribe() takes it, and a subscription made with another key is told apart', () => {
  const key = 'BNbxHqhKbyPpt8SBDm1-4Ln3u3s4m1ElfNX1bXN2l0c2lXnTEGDF2UP4XV1Lk7-vhw2_SpZ3W9fRzn4kYbIQbAc';
  const bytes = keyBytes(key);
  assert.equal(bytes.length, 65);
  assert.equal(bytes[0], 4);
  assert.equal(sameKey({ options: { applicationServerKey: bytes.buffer } }, key), true);
  const other = new Uint8Array(bytes);
  other[10] ^= 1;
  assert.equal(sameKey({ options: { applicationServerKey: other.buffer } }, key), false);
  assert.equal(sameKey({ options: {} }, key), true, 'a browser that does not say is trusted');
});
