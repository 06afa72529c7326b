import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusClient } from '../../../webroot/lib/bus-client.js';
import { ChatEvents } from '../../../webroot/lib/chat-events.js';
import { createFakeSockJS } from './fake-sockjs.mjs';

function liveAdmin() {
  const fake = createFakeSockJS();
  const bus = new BusClient('/eventbus', { SockJS: fake.FakeSockJS, networkEvents: null, random: () => 0 });
  const events = new ChatEvents(bus, { id: 7, role: 'admin' }).start();
  bus.start();
  fake.last().open();
  const seen = [];
  for (const type of ['message-created', 'conversation-created', 'conversation-read', 'presence-changed',
    'message-acknowledged', 'announcement-changed']) {
    events.addEventListener(type, (e) => seen.push([type, e.detail]));
  }
  return { bus, events, sock: fake.last(), seen };
}

test('an admin registers their own address and role.admin', () => {
  const { bus, sock } = liveAdmin();
  assert.deepEqual(sock.framesOfType('register').map((f) => f.address).sort(), ['role.admin', 'user.7']);
  bus.close();
});

test('a message pushed on both addresses is emitted once', () => {
  const { bus, sock, seen } = liveAdmin();
  const body = { type: 'chat.message.created', message: { id: 5, conversationId: 1, seq: 1 } };
  sock.receive({ type: 'rec', address: 'role.admin', body });
  sock.receive({ type: 'rec', address: 'user.7', body });
  assert.deepEqual(seen, [['message-created', body.message]]);
  bus.close();
});

test('read marks and presence changes become typed events', () => {
  const { bus, sock, seen } = liveAdmin();
  sock.receive({
    type: 'rec',
    address: 'user.7',
    body: { type: 'chat.conversation.read', conversationId: 3, studentId: 11, userId: 7, readSeq: 9 },
  });
  sock.receive({ type: 'rec', address: 'role.admin', body: { type: 'presence.changed', userId: 11, online: true } });
  sock.receive({ type: 'rec', address: 'role.admin', body: { type: 'presence.changed', userId: 11, online: false } });
  sock.receive({ type: 'rec', address: 'role.admin', body: { type: 'something.else' } });
  assert.deepEqual(seen, [
    ['conversation-read', { conversationId: 3, studentId: 11, userId: 7, readSeq: 9 }],
    ['presence-changed', { userId: 11, online: true }],
    ['presence-changed', { userId: 11, online: false }],
  ]);
  bus.close();
});

test('typing and receipt events become typed events with their fields', () => {
  const { bus, events, sock } = liveAdmin();
  const seen = [];
  events.addEventListener('typing', (e) => seen.push(['typing', e.detail]));
  events.addEventListener('receipt', (e) => seen.push(['receipt', e.detail]));
  sock.receive({
    type: 'rec',
    address: 'role.admin',
    body: { type: 'chat.typing', conversationId: 3, studentId: 11, userId: 11, name: 'Sam Student', role: 'student', expiresInMs: 6000 },
  });
  sock.receive({
    type: 'rec',
    address: 'role.admin',
    body: { type: 'chat.receipt', conversationId: 3, studentId: 11, userId: 11, name: 'Sam Student', role: 'student', deliveredSeq: 4, readSeq: 2 },
  });
  sock.receive({ type: 'rec', address: 'role.admin', body: { type: 'chat.typing', conversationId: 3 } }); // no userId
  assert.deepEqual(seen, [
    ['typing', { conversationId: 3, studentId: 11, userId: 11, name: 'Sam Student', role: 'student', expiresInMs: 6000 }],
    ['receipt', { conversationId: 3, studentId: 11, userId: 11, name: 'Sam Student', role: 'student', deliveredSeq: 4, readSeq: 2 }],
  ]);
  bus.close();
});

test('notification.changed becomes notification-changed with the whole list; a malformed one is ignored', () => {
  const { bus, events, sock } = liveAdmin();
  const lists = [];
  events.addEventListener('notification-changed', (e) => lists.push(e.detail.notifications));
  const notifications = [{ conversationId: 3, count: 2, latestExcerpt: 'hi', latestSender: 'Ada', latestSeq: 2 }];
  sock.receive({ type: 'rec', address: 'user.7', body: { type: 'notification.changed', notifications } });
  sock.receive({ type: 'rec', address: 'user.7', body: { type: 'notification.changed', notifications: [] } });
  sock.receive({ type: 'rec', address: 'user.7', body: { type: 'notification.changed' } });
  assert.deepEqual(lists, [notifications, []]);
  bus.close();
});

test('R6.2: a status entry comes as message-created with the conversation status after it', () => {
  const { bus, sock, seen } = liveAdmin();
  const message = { id: 9, conversationId: 1, seq: 4, kind: 'closed', senderId: 7, body: null, note: 'done' };
  sock.receive({
    type: 'rec',
    address: 'role.admin',
    body: { type: 'chat.message.created', studentId: 11, message, conversationStatus: 'closed' },
  });
  assert.deepEqual(seen, [['message-created', { ...message, studentId: 11, conversationStatus: 'closed' }]]);
  bus.close();
});

test('Issue 28: an acknowledgement on both addresses is emitted once; an announcement change as it came', () => {
  const { bus, sock, seen } = liveAdmin();
  const ack = { type: 'chat.message.acknowledged', conversationId: 3, studentId: 11, messageId: 40, seq: 5,
    announcementId: 2, acknowledgedAt: '2026-12-06T09:00:00Z' };
  sock.receive({ type: 'rec', address: 'role.admin', body: ack });
  sock.receive({ type: 'rec', address: 'user.7', body: ack });
  sock.receive({ type: 'rec', address: 'role.admin', body: { type: 'announcement.changed', announcement: { id: 2, total: 30 } } });
  assert.deepEqual(seen, [
    ['message-acknowledged', { conversationId: 3, studentId: 11, messageId: 40, seq: 5, announcementId: 2,
      acknowledgedAt: '2026-12-06T09:00:00Z' }],
    ['announcement-changed', { announcement: { id: 2, total: 30 } }],
  ]);
  bus.close();
});
