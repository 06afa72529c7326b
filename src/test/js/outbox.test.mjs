// Run: node --experimental-detect-module --test src/test/js/   (Maven runs it: WebClientUnitTest)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, OutboxSender, sendUnclaimed } from '../../../webroot/lib/outbox.js';
import { ConversationStore } from '../../../webroot/lib/conversation-store.js';
import { createFakeClock } from './fake-clock.mjs';

/** A Storage stand-in (what localStorage offers). */
function fakeStorage() {
  const map = new Map();
  return {
    map,
    get length() { return map.size; },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => { map.set(k, String(v)); },
    removeItem: (k) => { map.delete(k); },
  };
}

const ME = { id: 9, name: 'Ada', role: 'admin' };

/** A server that stores once per clientMsgId, like the real one; `mode` says how it answers. */
function fakeServer() {
  const rows = [];
  const server = {
    rows,
    mode: 'ok',
    calls: [],
    async send(conversationId, { clientMsgId, body, needsAck = false }) {
      server.calls.push(clientMsgId);
      server.asks = [...(server.asks ?? []), needsAck];
      if (server.mode === 'down') throw Object.assign(new Error('Cannot reach the server'), { code: 'network' });
      if (server.mode === 'refuse') throw Object.assign(new Error('Too long'), { code: 'bad_request' });
      let row = rows.find((r) => r.clientMsgId === clientMsgId);
      if (!row) {
        row = { id: 500 + rows.length, conversationId, seq: rows.length + 1, senderId: ME.id, senderName: ME.name, clientMsgId, body, needsAck, createdAt: new Date().toISOString() };
        rows.push(row);
      }
      if (server.mode === 'lost-reply') throw Object.assign(new Error('No reply'), { code: 'timeout' });
      return { message: row, reopened: null };
    },
    async fetchPage() {
      return { messages: [...rows], hasMore: false };
    },
  };
  return server;
}

let ids = 0;
function page({ storage, server, clock }) {
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage });
  const outbox = new Outbox({ userId: ME.id, storage });
  const sender = new OutboxSender({
    store, outbox, user: ME, send: server.send,
    random: () => 1, retryBaseMs: 1000, retryCapMs: 8000,
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    newId: () => `id-${++ids}`,
  });
  return { store, outbox, sender };
}

const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

test('R5.3: a message written while the server is unreachable is kept, waits, and goes once it is back', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'down';
  const { store, outbox, sender } = page({ storage, server, clock });
  await store.loadLatest().catch(() => {});
  const id = sender.submit('written offline');
  await flush();
  assert.equal(store.pendingMessage(id).waiting, true, 'shown as waiting, not failed');
  assert.deepEqual(outbox.list(1).map((e) => [e.clientMsgId, e.body, e.failed]), [[id, 'written offline', false]]);
  clock.advance(1000); // still down: retried with backoff
  await flush();
  assert.equal(server.calls.length, 2);
  server.mode = 'ok';
  clock.advance(2000);
  await flush();
  assert.equal(server.rows.length, 1);
  assert.equal(store.pendingMessages.length, 0);
  assert.deepEqual(store.messages.map((m) => m.body), ['written offline']);
  assert.deepEqual(outbox.list(1), [], 'gone from storage once stored');
  assert.equal(storage.map.size, 0);
  sender.stop();
});

test('R5.3: the outbox survives a reload, and the resend keeps the original clientMsgId (stored once)', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'lost-reply'; // stored, but the answer never came
  const first = page({ storage, server, clock });
  await first.store.loadLatest();
  const id = first.sender.submit('did it arrive?');
  await flush();
  first.sender.stop(); // the page is reloaded
  assert.equal(server.rows.length, 1);

  server.mode = 'ok';
  const second = page({ storage, server, clock });
  assert.equal(second.sender.restore(), 1);
  assert.deepEqual(second.store.pendingMessages.map((m) => [m.clientMsgId, m.body, m.waiting]), [[id, 'did it arrive?', true]]);
  await second.store.loadLatest(); // the page holds the stored copy: it replaces the pending one
  assert.equal(second.store.pendingMessages.length, 0);
  assert.equal(second.store.messages.length, 1, 'never shown twice');
  assert.deepEqual(second.outbox.list(1), []);
  await second.sender.flush();
  assert.deepEqual(server.calls, [id], 'nothing left to send');

  // Same again, but the reload comes before the page shows the stored copy: the resend carries the same id.
  server.mode = 'lost-reply';
  const third = page({ storage, server, clock });
  const id2 = third.sender.submit('second');
  await flush();
  third.sender.stop();
  server.mode = 'ok';
  const fourth = page({ storage, server, clock });
  fourth.sender.restore();
  await fourth.sender.flush();
  assert.deepEqual(server.calls.slice(-2), [id2, id2]);
  assert.equal(server.rows.filter((r) => r.clientMsgId === id2).length, 1, 'stored once');
  assert.equal(fourth.store.messages.filter((m) => m.body === 'second').length, 1);
  assert.deepEqual(fourth.outbox.list(1), []);
});

test('R5.3: a refused message is failed (kept for retry or discard), not retried by itself; discard forgets it', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'refuse';
  const { store, outbox, sender } = page({ storage, server, clock });
  const originalWarn = console.warn;
  console.warn = () => {};
  let id;
  try {
    id = sender.submit('refused');
    await flush();
  } finally {
    console.warn = originalWarn;
  }
  assert.equal(store.pendingMessage(id).failed, true);
  assert.equal(store.pendingMessage(id).error, 'Too long');
  assert.deepEqual(outbox.list(1).map((e) => [e.failed, e.errorCode]), [[true, 'bad_request']]);
  clock.advance(120_000);
  await sender.flush();
  assert.equal(server.calls.length, 1, 'not retried by itself');

  const again = page({ storage, server, clock });
  again.sender.restore();
  assert.equal(again.store.pendingMessage(id).failed, true, 'still failed after a reload');
  again.sender.discard(id);
  assert.equal(again.store.pendingMessages.length, 0);
  assert.equal(storage.map.size, 0);
  sender.stop();
});

test('R5.3: one send in flight per message; a copy arriving live removes it from storage', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  let release;
  const slow = { ...server, send: (c, m) => new Promise((r) => { release = () => r(server.send(c, m)); }) };
  const { store, outbox, sender } = page({ storage, server: slow, clock });
  const id = sender.submit('hello');
  await sender.flush(); // while the first send is in flight
  sender.deliver(id);
  assert.equal(server.calls.length, 0);
  release();
  await flush();
  assert.equal(server.calls.length, 1);

  // A message whose stored copy arrives by a live event before its reply:
  server.mode = 'ok';
  const other = new Outbox({ userId: ME.id, storage });
  other.put(1, { clientMsgId: 'x', body: 'pushed' });
  sender.restore();
  assert.ok(store.pendingMessage('x'));
  store.receiveLive({ id: 999, conversationId: 1, seq: 2, senderId: ME.id, senderName: 'Ada', clientMsgId: 'x', body: 'pushed' });
  assert.equal(store.pendingMessage('x'), undefined);
  assert.deepEqual(outbox.list(1), []);
  sender.stop();
});

test('sign-out forgets only that user\'s outbox; storage failures fall back to memory', () => {
  const storage = fakeStorage();
  new Outbox({ userId: 9, storage }).put(1, { clientMsgId: 'a', body: 'x' });
  new Outbox({ userId: 9, storage }).put(2, { clientMsgId: 'b', body: 'y' });
  new Outbox({ userId: 10, storage }).put(1, { clientMsgId: 'c', body: 'z' });
  Outbox.clearUser(9, storage);
  assert.deepEqual([...storage.map.keys()], [Outbox.key(10, 1)]);

  const full = { ...fakeStorage(), setItem: () => { throw new Error('QuotaExceededError'); } };
  const outbox = new Outbox({ userId: 9, storage: full });
  const originalWarn = console.warn;
  console.warn = () => {};
  try {
    outbox.put(1, { clientMsgId: 'a', body: 'x' });
  } finally {
    console.warn = originalWarn;
  }
  assert.deepEqual(outbox.list(1).map((e) => e.body), ['x']);
});

test('R5.3: a message discarded or stored in another tab is not sent from this one', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'down';
  const tabA = page({ storage, server, clock });
  const id = tabA.sender.submit('second thoughts');
  await flush();
  const tabB = page({ storage, server, clock });
  tabB.sender.restore();
  assert.ok(tabB.store.pendingMessage(id));
  tabA.sender.discard(id); // the user gave up on it in tab A
  server.mode = 'ok';
  await tabB.sender.flush();
  assert.equal(server.rows.length, 0, 'not sent from tab B');
  assert.equal(tabB.store.pendingMessages.length, 0);
  tabA.sender.stop();
  tabB.sender.stop();
});

test('R5.3: what waits for a conversation no view has open is sent by the session, once, when the server is back', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'down';
  const open = page({ storage, server, clock }); // conversation 1, open in the view
  const outbox = open.outbox; // the session's one outbox
  outbox.put(2, { clientMsgId: 'to-two', body: 'for conversation 2' });
  outbox.put(3, { clientMsgId: 'refused', body: 'for conversation 3' });
  outbox.put(3, { clientMsgId: 'old-failure', body: 'x', failed: true, errorCode: 'forbidden' });
  open.outbox.put(1, { clientMsgId: 'open-one', body: 'the view sends this one' });
  assert.deepEqual(outbox.conversations().sort(), [1, 2, 3]);

  const calls = [];
  const send = async (conversationId, m) => {
    calls.push([conversationId, m.clientMsgId]);
    if (server.mode === 'down') throw Object.assign(new Error('offline'), { code: 'network' });
    if (conversationId === 3) throw Object.assign(new Error('No'), { code: 'forbidden' });
    return server.send(conversationId, m);
  };
  assert.equal(await sendUnclaimed({ outbox, send }), false, 'stopped: unreachable');
  assert.deepEqual(outbox.list(2).map((e) => e.clientMsgId), ['to-two'], 'kept');

  server.mode = 'ok';
  calls.length = 0;
  assert.equal(await sendUnclaimed({ outbox, send }), true);
  assert.ok(!calls.some(([c]) => c === 1), 'the open conversation is left to its view');
  assert.ok(!calls.some(([, id]) => id === 'old-failure'), 'a refused one waits for the user');
  assert.deepEqual(outbox.list(2), [], 'stored: gone from the outbox');
  assert.deepEqual(outbox.list(3).map((e) => [e.clientMsgId, e.failed]), [['refused', true], ['old-failure', true]]);
  assert.equal(server.rows.filter((r) => r.clientMsgId === 'to-two').length, 1);
  open.sender.stop();
  assert.equal(outbox.isClaimed(1), false, 'released when the view closes');
});

test('Issue 28.2: "ask to confirm reading" survives a reload with its message, is sent with every try, and an acknowledgement marks the copy', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'down';
  const first = page({ storage, server, clock });
  await first.store.loadLatest().catch(() => {});
  const id = first.sender.submit('Timetable change: PE on Thursday', { needsAck: true });
  first.sender.submit('an ordinary one');
  await flush();
  first.sender.stop(); // reloaded while the server is down
  assert.deepEqual(first.outbox.list(1).map((e) => e.needsAck), [true, false]);

  server.mode = 'ok';
  const second = page({ storage, server, clock });
  second.sender.restore();
  await second.sender.flush();
  assert.deepEqual(server.rows.map((r) => [r.body, r.needsAck]),
    [['Timetable change: PE on Thursday', true], ['an ordinary one', false]]);
  assert.ok(server.asks.includes(true) && server.asks.includes(false));
  await second.store.loadLatest();
  const stored = server.rows.find((r) => r.clientMsgId === id);
  assert.equal(second.store.acknowledge(stored.id, '2026-12-06T09:00:00Z'), true);
  assert.equal(second.store.messages.find((m) => m.id === stored.id).acknowledgedAt, '2026-12-06T09:00:00Z');
  assert.equal(second.store.acknowledge(99999, '2026-12-06T09:00:00Z'), false, 'not in this conversation');
  // A page fetched again with the acknowledgement replaces the copy held without it.
  const copy = { ...stored, acknowledgedAt: null };
  const third = page({ storage, server, clock });
  third.store.merge([copy]);
  third.store.merge([{ ...stored, acknowledgedAt: '2026-12-06T09:00:00Z' }]);
  assert.equal(third.store.messages[0].acknowledgedAt, '2026-12-06T09:00:00Z');
});

/**
 * The server's send budget (UserLimits): `burst` at once, then `perSecond`; a send over it is refused with
 * `too_many_requests` and the wait the server computes (`retryAfter`, ms), as the bridge's `err` frame gives it.
 */
function rateLimited(server, clock, { burst = 60, perSecond = 10, roundTripMs = 0, tellsPace = true } = {}) {
  let tokens = burst;
  let at = clock.now();
  const refused = [];
  const send = async (conversationId, m) => {
    if (roundTripMs > 0) await new Promise((resolve) => clock.setTimeout(resolve, roundTripMs));
    tokens = Math.min(burst, tokens + ((clock.now() - at) * perSecond) / 1000);
    at = clock.now();
    if (tokens < 1) {
      refused.push(m.clientMsgId);
      const wait = Math.ceil(((1 - tokens) * 1000) / perSecond);
      const tokenEveryMs = tellsPace ? Math.ceil(1000 / perSecond) : null;
      throw Object.assign(new Error('Too many requests'), { code: 'too_many_requests', retryAfterMs: wait, tokenEveryMs });
    }
    tokens -= 1;
    return server.send(conversationId, m);
  };
  return { send, refused };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

for (const [roundTripMs, tellsPace] of [[0, true], [40, true], [0, false], [40, false]]) {
  test(`Issue 24.2/24.12: a flush of 200 queued messages keeps to the send budget: complete, in order, once, and `
    + `refused ${tellsPace ? 'once' : 'at most a few times'} (a socket is closed after 10 refusals); round trip `
    + `${roundTripMs} ms, ${tellsPace ? 'the refusal says how often a token comes back' : 'only the wait told'}`, async () => {
    const storage = fakeStorage();
    const clock = createFakeClock();
    const server = fakeServer();
    const limited = rateLimited(server, clock, { roundTripMs, tellsPace });
    const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage });
    const outbox = new Outbox({ userId: ME.id, storage });
    for (let i = 1; i <= 200; i += 1) {
      outbox.put(1, { clientMsgId: `queued-${i}`, body: `queued ${i}`, createdAt: new Date(clock.now() + i).toISOString() });
    }
    const sender = new OutboxSender({
      store, outbox, user: ME, send: limited.send, random: () => 1, retryBaseMs: 1000, retryCapMs: 8000,
      setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: clock.now, newId: () => `id-${++ids}`,
    });
    assert.equal(sender.restore(), 200);
    const started = clock.now();
    sender.flush();
    await settle();
    let late = null;
    for (let ms = 0; ms < 60_000 && server.rows.length < 200; ms += 10) {
      clock.advance(10);
      await settle();
      // A message written meanwhile goes after those that waited, not before them.
      if (ms === 3000) {
        late = sender.submit('written during the flush');
        const pending = store.pendingMessages;
        assert.equal(pending.filter((m) => m.waiting).length, 0, 'none says the server cannot be reached');
        assert.ok(pending.filter((m) => m.queued).length >= pending.length - 2, 'the rest say they wait their turn');
        assert.equal(pending[pending.length - 1].queued, true, 'the new one too');
      }
      await settle();
    }
    const stored = clock.now();
    for (let ms = 0; ms < 2000; ms += 10) {
      clock.advance(10);
      await settle();
    }
    const expected = [...Array.from({ length: 200 }, (_, i) => `queued ${i + 1}`), 'written during the flush'];
    assert.deepEqual(server.rows.map((r) => r.body), expected, 'complete, in order, once');
    assert.ok(late);
    // 60 at once, then the rest at the budget's 10 a second: 14 s at the least (less what came back during the burst)
    const seconds = (stored - started) / 1000;
    console.log(`[outbox] round trip ${roundTripMs} ms: 200 flushed in ${seconds} s, refused ${limited.refused.length} times`);
    assert.ok(limited.refused.length <= (tellsPace ? 1 : 3), `refused ${limited.refused.length} times (in ${seconds} s)`);
    assert.ok(seconds > 10 && seconds < 25, `took ${seconds} s, refused ${limited.refused.length}`);
    assert.equal(store.pendingMessages.length, 0);
    assert.deepEqual(outbox.list(1), []);
    sender.stop();
  });
}

test('Issue 24.12: what waits for conversations no view has open keeps to the send budget too: in order, once, with'
  + ' its "ask to confirm reading" (issue 28)', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  const limited = rateLimited(server, clock, { burst: 20, perSecond: 10 });
  const outbox = new Outbox({ userId: ME.id, storage });
  for (let i = 1; i <= 50; i += 1) outbox.put(7, { clientMsgId: `bg-${i}`, body: `background ${i}`, needsAck: i === 30 });
  let done = null;
  sendUnclaimed({ outbox, send: limited.send, sleep: (ms) => new Promise((resolve) => clock.setTimeout(resolve, ms)), now: clock.now })
    .then((result) => { done = result; });
  for (let ms = 0; ms < 30_000 && done === null; ms += 10) {
    clock.advance(10);
    await settle();
  }
  assert.equal(done, true);
  assert.deepEqual(server.rows.map((r) => r.body), Array.from({ length: 50 }, (_, i) => `background ${i + 1}`));
  assert.deepEqual(server.rows.filter((r) => r.needsAck).map((r) => r.body), ['background 30']);
  assert.equal(limited.refused.length, 1, 'refused once, then paced by the token interval the refusal told');
  assert.deepEqual(outbox.list(7), []);
});

test('R5.3: queued messages say they wait for the server again when it turns out unreachable', async () => {
  const storage = fakeStorage();
  const clock = createFakeClock();
  const server = fakeServer();
  server.mode = 'down';
  const { store, outbox, sender } = page({ storage, server, clock });
  outbox.put(1, { clientMsgId: 'a', body: 'first' });
  outbox.put(1, { clientMsgId: 'b', body: 'second' });
  outbox.put(1, { clientMsgId: 'c', body: 'third' });
  sender.restore();
  const flushed = sender.flush();
  assert.deepEqual(store.pendingMessages.map((m) => Boolean(m.queued)), [false, true, true], 'behind the first, in turn');
  await flushed;
  assert.deepEqual(store.pendingMessages.map((m) => [m.waiting, Boolean(m.queued)]), [[true, false], [true, false], [true, false]]);
  server.mode = 'ok';
  clock.advance(8000);
  await settle();
  assert.deepEqual(server.rows.map((r) => r.body), ['first', 'second', 'third']);
  sender.stop();
});
