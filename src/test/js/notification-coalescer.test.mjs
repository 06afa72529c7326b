import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NotificationCoalescer,
  GATHER_MS,
  WINDOW_MS,
  excerptOf,
  describeNotification,
} from '../../../webroot/lib/notification-coalescer.js';
import { createFakeClock } from './fake-clock.mjs';

function coalescer() {
  const clock = createFakeClock();
  const sent = [];
  const c = new NotificationCoalescer({
    emit: (n) => sent.push({ ...n, at: clock.now() }),
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
  });
  return { clock, sent, c };
}

test('a burst of messages in one conversation gives one notification with the count and the latest', () => {
  const { clock, sent, c } = coalescer();
  c.add(7, { sender: 'Ada Admin', excerpt: 'one' });
  clock.advance(100);
  c.add(7, { sender: 'Ada Admin', excerpt: 'two' });
  clock.advance(100);
  c.add(7, { sender: 'Ada Admin', excerpt: 'three' });
  assert.equal(sent.length, 0, 'gathered, not sent yet');
  assert.ok(c.isPending(7));
  clock.advance(GATHER_MS);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].conversationId, 7);
  assert.equal(sent[0].count, 3);
  assert.equal(sent[0].latest.excerpt, 'three');
  assert.equal(clock.pending, 0);
});

test('at most one notification per conversation per window; what arrives meanwhile goes at the end of it', () => {
  const { clock, sent, c } = coalescer();
  const start = clock.now();
  c.add(7, { sender: 'Ada', excerpt: 'a' });
  clock.advance(GATHER_MS);
  assert.equal(sent.length, 1);
  // A hundred messages right after: not a hundred notifications.
  for (let i = 0; i < 100; i += 1) {
    c.add(7, { sender: 'Ada', excerpt: `m${i}` });
    clock.advance(20);
  }
  assert.equal(sent.length, 1, 'still inside the window');
  clock.advance(WINDOW_MS);
  assert.equal(sent.length, 2);
  assert.equal(sent[1].count, 100);
  assert.equal(sent[1].latest.excerpt, 'm99');
  assert.ok(sent[1].at - sent[0].at >= WINDOW_MS, 'a full window apart');
  assert.ok(sent[0].at - start >= GATHER_MS);
});

test('conversations are coalesced separately', () => {
  const { clock, sent, c } = coalescer();
  c.add(1, { sender: 'Ada', excerpt: 'x' });
  c.add(2, { sender: 'Grace', excerpt: 'y' });
  c.add(1, { sender: 'Ada', excerpt: 'z' });
  clock.advance(GATHER_MS);
  assert.deepEqual(
    sent.map((n) => [n.conversationId, n.count, n.latest.excerpt]),
    [
      [1, 2, 'z'],
      [2, 1, 'y'],
    ],
  );
});

test('cancel drops what was gathered (the person opened the chat): nothing is sent', () => {
  const { clock, sent, c } = coalescer();
  c.add(7, { sender: 'Ada', excerpt: 'a' });
  c.add(7, { sender: 'Ada', excerpt: 'b' });
  c.cancel(7);
  assert.equal(c.isPending(7), false);
  clock.advance(WINDOW_MS * 2);
  assert.equal(sent.length, 0);
  c.add(7, { sender: 'Ada', excerpt: 'c' });
  clock.advance(GATHER_MS);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].count, 1, 'the cancelled ones are not counted again');
});

test('a started conversation notifies without counting as a message', () => {
  const { clock, sent, c } = coalescer();
  c.add(7, { sender: 'Ada Admin', started: true });
  clock.advance(GATHER_MS);
  assert.equal(sent[0].count, 0);
  assert.deepEqual(describeNotification(sent[0]), { title: 'Ada Admin started a conversation with you', body: '' });
  assert.deepEqual(describeNotification({ count: 3, latest: { sender: 'Ada', excerpt: 'hi' } }), {
    title: 'Ada: 3 new messages',
    body: 'hi',
  });
  assert.equal(describeNotification({ count: 1, latest: { sender: 'Ada', excerpt: 'x' } }).title, 'Ada: 1 new message');
});

test('stop clears every timer', () => {
  const { clock, sent, c } = coalescer();
  c.add(1, { excerpt: 'a' });
  c.add(2, { excerpt: 'b' });
  c.stop();
  assert.equal(clock.pending, 0);
  clock.advance(WINDOW_MS);
  assert.equal(sent.length, 0);
});

test('excerpts are plain text, folded and cut', () => {
  assert.equal(excerptOf('  a\n\n b  '), 'a b');
  assert.equal(excerptOf('<b>x</b>'), '<b>x</b>', 'kept as text, never parsed');
  const long = excerptOf('x'.repeat(500));
  assert.equal(long.length, 140);
  assert.ok(long.endsWith('…'));
});

test('R6.2 R5.2: only what the other side wrote notifies; status entries and own messages never do', async () => {
  const { isNotifiable } = await import('../../../webroot/lib/notification-coalescer.js');
  const ada = { id: 1, role: 'admin' };
  const sam = { id: 11, role: 'student' };
  const fromSam = { id: 1, senderId: 11, senderRole: 'student', kind: 'message', body: 'hi' };
  const fromAda = { id: 2, senderId: 1, senderRole: 'admin', kind: 'message', body: 'hello' };
  const samReopened = { id: 3, senderId: 11, senderRole: 'student', kind: 'reopened', body: null };
  const adaClosed = { id: 4, senderId: 1, senderRole: 'admin', kind: 'closed', body: null, note: 'done' };
  const grace = { id: 2, role: 'admin' };
  assert.equal(isNotifiable(fromSam, ada), true);
  assert.equal(isNotifiable(fromAda, sam), true);
  assert.equal(isNotifiable(fromAda, ada), false, 'own message');
  assert.equal(isNotifiable(fromAda, grace), false, 'staff messages do not notify other admins');
  assert.equal(isNotifiable(fromSam, sam), false);
  assert.equal(isNotifiable(samReopened, ada), false, 'a reopened entry is not a message');
  assert.equal(isNotifiable(adaClosed, sam), false, 'a closed entry is not a message');
  assert.equal(isNotifiable({ ...fromSam, kind: undefined }, ada), true, 'no kind: a message');
});

test('a stale list does not undo a newer notification (R5.2: the count in the title)', async () => {
  const { newerNotifications } = await import('../../../webroot/lib/notification-coalescer.js');
  const third = { conversationId: 7, count: 3, latestSeq: 4 };
  const second = { conversationId: 7, count: 2, latestSeq: 3 };
  assert.deepEqual(newerNotifications([third], [second]), [third], 'the older list arriving last is ignored');
  assert.deepEqual(newerNotifications([second], [third]), [third]);
  const partlyRead = { conversationId: 7, count: 1, latestSeq: 4 };
  assert.deepEqual(newerNotifications([third], [partlyRead]), [partlyRead], 'a read mark lowers the count');
  assert.deepEqual(newerNotifications([third], []), [], 'read or dismissed: gone');
  assert.deepEqual(newerNotifications(undefined, null), []);
  const other = { conversationId: 8, count: 1, latestSeq: 2 };
  assert.deepEqual(newerNotifications([third], [second, other]), [third, other]);
});
