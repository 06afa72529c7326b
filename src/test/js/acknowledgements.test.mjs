import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Acknowledgements, WatermarkQueue } from '../../../webroot/lib/acknowledgements.js';

const ME = 1;
const SAM = 11;
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A ChatService stand-in whose requests wait until the test answers them. */
function fakeChat() {
  const calls = [];
  const request = (kind) => (conversationId, seq) =>
    new Promise((resolve, reject) => {
      calls.push({
        kind, conversationId, seq,
        answer: (reply = {}) => resolve({ conversationId, ...reply }),
        fail: (error = Object.assign(new Error('down'), { code: 'network' })) => reject(error),
      });
    });
  return { calls, markDelivered: request('delivered'), markRead: request('read') };
}

function setUp() {
  const chat = fakeChat();
  const events = new EventTarget();
  const acks = new Acknowledgements({ chat, events, selfId: ME }).start();
  const push = (message) => events.dispatchEvent(new CustomEvent('message-created', { detail: message }));
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args);
  return { chat, events, acks, push, warnings, restore: () => { console.warn = warn; } };
}

const fromSam = (seq, conversationId = 5) => ({ id: seq, seq, conversationId, senderId: SAM, senderRole: 'student' });
const sent = (chat) => chat.calls.map(({ kind, conversationId, seq }) => `${kind} ${conversationId}:${seq}`);

test('a burst of 100 live messages costs a handful of delivered marks, the newest last', async () => {
  const { chat, push, restore } = setUp();
  try {
    for (let seq = 1; seq <= 100; seq += 1) {
      push(fromSam(seq));
      await settle();
      if (seq === 40) chat.calls[0].answer(); // the first one returns mid-burst
    }
    assert.deepEqual(sent(chat), ['delivered 5:1', 'delivered 5:40'], 'one in flight at a time; the newest goes next');
    chat.calls[1].answer();
    await settle();
    assert.deepEqual(sent(chat), ['delivered 5:1', 'delivered 5:40', 'delivered 5:100']);
    chat.calls[2].answer();
    await settle();
    push(fromSam(100)); // a repeated push
    push(fromSam(99)); // a late one
    await settle();
    assert.equal(chat.calls.length, 3, 'three requests for 100 messages');
  } finally {
    restore();
  }
});

test('own messages need no acknowledgement; conversations are apart', async () => {
  const { chat, push, restore } = setUp();
  try {
    push({ id: 1, seq: 1, conversationId: 5, senderId: ME, senderRole: 'admin' });
    push(fromSam(2, 5));
    push(fromSam(1, 6));
    await settle();
    assert.deepEqual(sent(chat), ['delivered 5:2', 'delivered 6:1']);
  } finally {
    restore();
  }
});

test('a fetched page is acknowledged up to the highest message from someone else', async () => {
  const { chat, acks, restore } = setUp();
  try {
    acks.received([fromSam(3), fromSam(4), { id: 9, seq: 5, conversationId: 5, senderId: ME }]);
    await settle();
    assert.deepEqual(sent(chat), ['delivered 5:4']);
  } finally {
    restore();
  }
});

test('a read asked for in the same turn covers the delivered mark: one request, not two', async () => {
  const { chat, acks, push, restore } = setUp();
  try {
    push(fromSam(1));
    const read = acks.read(5, 1); // the open chat view reacts to the same event
    await settle();
    assert.deepEqual(sent(chat), ['read 5:1']);
    chat.calls[0].answer({ readSeq: 1, deliveredSeq: 1, unread: 0 });
    assert.deepEqual(await read, { conversationId: 5, readSeq: 1, deliveredSeq: 1, unread: 0 });
    assert.equal(acks.readUpTo(5), 1);
    push(fromSam(1));
    acks.received([fromSam(1)]);
    await settle();
    assert.equal(chat.calls.length, 1, 'read implies delivered: nothing more to send');
    assert.equal(await acks.read(5, 1), null, 'a read already covered answers null');
  } finally {
    restore();
  }
});

test('a page loaded into the looked-at view costs one read, not a delivered mark too', async () => {
  const { chat, acks, restore } = setUp();
  try {
    acks.received([fromSam(3)]); // the fetch returned...
    await Promise.resolve();
    await Promise.resolve();
    acks.read(5, 3); // ...and the view, a few promise reactions later, marks it read
    await settle();
    assert.deepEqual(sent(chat), ['read 5:3']);
  } finally {
    restore();
  }
});

test('a failed mark is not counted, and goes again after a reconnection', async () => {
  const { chat, acks, events, push, warnings, restore } = setUp();
  try {
    push(fromSam(3));
    await settle();
    chat.calls[0].fail();
    await settle();
    assert.equal(warnings.length, 1);
    const read = acks.read(5, 2);
    await settle();
    chat.calls[1].fail();
    await assert.rejects(read);
    assert.equal(acks.readUpTo(5), 0, 'a failed read is not counted: the view asks again on the next change');

    events.dispatchEvent(new Event('resync'));
    await settle();
    assert.deepEqual(sent(chat).slice(2).sort(), ['delivered 5:3', 'read 5:2']);
  } finally {
    restore();
  }
});

test('after stop, live messages are not acknowledged', async () => {
  const { chat, acks, push, restore } = setUp();
  try {
    acks.stop();
    push(fromSam(1));
    await settle();
    assert.equal(chat.calls.length, 0);
  } finally {
    restore();
  }
});

test('WatermarkQueue: marks below what was sent are not sent; callers share the reply that covered them', async () => {
  const calls = [];
  const queue = new WatermarkQueue((key, seq) => new Promise((resolve) => calls.push({ key, seq, resolve })));
  const first = queue.mark('a', 2);
  const second = queue.mark('a', 5);
  const third = queue.mark('a', 4);
  assert.deepEqual(calls.map((c) => c.seq), [2]);
  calls[0].resolve('r2');
  await settle();
  assert.deepEqual(calls.map((c) => c.seq), [2, 5], 'only the newest wanted mark follows');
  calls[1].resolve('r5');
  assert.equal(await first, 'r5', 'the caller is answered once the run is over');
  assert.equal(await second, 'r5');
  assert.equal(await third, 'r5');
  assert.equal(await queue.mark('a', 5), null);
  assert.equal(await queue.mark('a', 0), null);
  queue.covered('a', 9);
  assert.equal(await queue.mark('a', 8), null);
  assert.equal(queue.done('a'), 9);
  assert.equal(calls.length, 2);
});

test('R6.2: status entries get no delivered mark of their own, live or fetched', async () => {
  const { chat, push, acks, restore } = setUp();
  try {
    push({ ...fromSam(1), kind: 'reopened', body: null });
    acks.received([{ ...fromSam(1), kind: 'reopened' }, { id: 2, seq: 2, conversationId: 5, senderId: 99, senderRole: 'admin', kind: 'closed' }]);
    await settle();
    assert.deepEqual(sent(chat), []);
    push({ ...fromSam(3), kind: 'message' }); // the next message covers their seq
    await settle();
    assert.deepEqual(sent(chat), ['delivered 5:3']);
  } finally {
    restore();
  }
});
