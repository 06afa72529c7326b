import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationStore } from '../../../webroot/lib/conversation-store.js';

const msg = (seq, extra = {}) => ({ id: 100 + seq, conversationId: 1, seq, senderId: 9, senderName: 'Ada', body: `m${seq}`, clientMsgId: `c${seq}`, createdAt: '2024-01-01T00:00:00Z', ...extra });

function serverWith(all) {
  const calls = [];
  const fetchPage = async ({ before, after, limit }) => {
    calls.push({ before, after, limit });
    let list = all();
    if (after != null) {
      list = list.filter((m) => m.seq > after);
      return { messages: list.slice(0, limit), hasMore: list.length > limit };
    }
    if (before != null) list = list.filter((m) => m.seq < before);
    return { messages: list.slice(-limit), hasMore: list.length > limit };
  };
  return { fetchPage, calls };
}

test('merges by id and sorts by seq', () => {
  const store = new ConversationStore({ conversationId: 1, fetchPage: async () => ({ messages: [], hasMore: false }) });
  store.merge([msg(3), msg(1)]);
  store.merge([msg(2), msg(3)]);
  assert.deepEqual(store.messages.map((m) => m.seq), [1, 2, 3]);
  assert.equal(store.lastSeq, 3);
  assert.equal(store.firstSeq, 1);
});

test('ignores messages of other conversations', () => {
  const store = new ConversationStore({ conversationId: 1, fetchPage: async () => ({}) });
  store.merge([msg(1, { conversationId: 2 })]);
  assert.equal(store.messages.length, 0);
});

test('a pending message is replaced by the stored copy with the same clientMsgId', () => {
  const store = new ConversationStore({ conversationId: 1, fetchPage: async () => ({}) });
  store.merge([msg(1)]);
  store.addPending({ clientMsgId: 'x', body: 'hello', senderId: 9, senderName: 'Ada' });
  assert.deepEqual(store.messages.map((m) => [m.body, Boolean(m.pending)]), [['m1', false], ['hello', true]]);
  assert.equal(store.lastSeq, 1);
  store.merge([msg(2, { clientMsgId: 'x', body: 'hello' })]);
  assert.deepEqual(store.messages.map((m) => [m.body, Boolean(m.pending)]), [['m1', false], ['hello', false]]);
  store.merge([msg(2, { clientMsgId: 'x', body: 'hello' })]); // the reply after the live event
  assert.equal(store.messages.length, 2);
});

test('pages back with before, and catches up with after', async () => {
  let all = Array.from({ length: 120 }, (_, i) => msg(i + 1));
  const server = serverWith(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 50 });
  await store.loadLatest();
  assert.equal(store.firstSeq, 71);
  assert.equal(store.hasMoreBefore, true);
  await store.loadOlder();
  await store.loadOlder();
  assert.equal(store.firstSeq, 1);
  assert.equal(store.hasMoreBefore, false);
  assert.equal(await store.loadOlder(), 0);

  all = [...all, ...Array.from({ length: 250 }, (_, i) => msg(121 + i))];
  await store.catchUp();
  assert.equal(store.lastSeq, 370);
  assert.equal(store.messages.length, 370);
  assert.deepEqual(server.calls.slice(-2).map((c) => c.after), [120, 320]);
});

test('a live message that skips a seq triggers a catch-up', async () => {
  const all = [msg(1), msg(2), msg(3), msg(4)];
  const server = serverWith(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage });
  store.merge([msg(1)]);
  store.loaded = true;
  store.receiveLive(msg(4));
  await store.catchUp();
  assert.deepEqual(store.messages.map((m) => m.seq), [1, 2, 3, 4]);
  assert.equal(server.calls[0].after, 1);
});

// ---- R6.4: a window around a search hit ---------------------------------------------------------------

/** A server for the around-window: `around=` answers about `limit / 2` on each side, with hasOlder/hasNewer. */
function windowServer(all) {
  const calls = [];
  let gate = null;
  const fetchPage = async (params) => {
    calls.push(params);
    if (gate) await gate;
    const list = all();
    const { before, after, around, limit } = params;
    if (around != null) {
      const at = list.findIndex((m) => m.seq >= around);
      const from = Math.max(0, at - Math.floor(limit / 2));
      const messages = list.slice(from, from + limit);
      return {
        messages,
        hasOlder: from > 0,
        hasNewer: from + messages.length < list.length,
      };
    }
    if (after != null) {
      const rest = list.filter((m) => m.seq > after);
      return { messages: rest.slice(0, limit), hasMore: rest.length > limit };
    }
    const head = before != null ? list.filter((m) => m.seq < before) : list;
    return { messages: head.slice(-limit), hasMore: head.length > limit };
  };
  return {
    fetchPage,
    calls,
    hold() {
      let release;
      gate = new Promise((r) => {
        release = r;
      });
      return () => {
        gate = null;
        release();
      };
    },
  };
}

const seqs = (store) => store.messages.map((m) => m.seq);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('R6.4: loadAround shows the hit with its neighbours and knows there is more on both sides', async () => {
  const all = range(1, 150).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  assert.equal(await store.loadAround(40), true);
  assert.deepEqual(server.calls[0], { around: 40, limit: 20 });
  assert.deepEqual(seqs(store), range(30, 49));
  assert.equal(store.hasMoreBefore, true);
  assert.equal(store.hasMoreAfter, true);
  assert.equal(store.atLatest, false);
  assert.equal(store.loaded, true);
});

test('R6.4: paging up (before=first) and down (after=last) extends the window until hasNewer is false', async () => {
  const all = range(1, 75).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadAround(40);
  await store.loadOlder();
  assert.deepEqual(server.calls.at(-1), { before: 30, limit: 20 });
  assert.deepEqual(seqs(store), range(10, 49));
  await store.loadNewer();
  assert.deepEqual(server.calls.at(-1), { after: 49, limit: 20 });
  assert.equal(store.hasMoreAfter, true);
  await store.loadNewer();
  assert.deepEqual(server.calls.at(-1), { after: 69, limit: 20 });
  assert.deepEqual(seqs(store), range(10, 75));
  assert.equal(store.hasMoreAfter, false, 'the window reaches the newest message');
  assert.equal(await store.loadNewer(), 0, 'nothing more to ask for');
  assert.equal(server.calls.length, 4);
});

test('R6.4: a live message while the window does not reach the end is not appended out of order', async () => {
  const all = range(1, 150).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadAround(40);
  all.push(msg(151));
  assert.equal(store.receiveLive(msg(151)), true, 'new to the store (it may be announced)');
  assert.deepEqual(seqs(store), range(30, 49), 'not shown after seq 49');
  assert.equal(store.newerWaiting, 1);
  assert.equal(store.receiveLive(msg(151)), false, 'a repeated push is not new');
  await settleStore();
  assert.equal(server.calls.length, 1, 'no catch-up from the middle of the history');
  await store.catchUp(); // a reconnection: nothing to catch up in a window that does not reach the end
  assert.equal(server.calls.length, 1);
});

test('R6.4: the next seq after the window is in order, so it goes in', async () => {
  const all = range(1, 150).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadAround(40);
  store.merge([msg(50)]);
  assert.deepEqual(seqs(store).slice(-2), [49, 50]);
});

test('R6.4: paging down to the end brings in what arrived live meanwhile, catching up any hole', async () => {
  const all = range(1, 60).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadAround(30);
  assert.deepEqual(seqs(store), range(20, 39));
  // 61 and 62 are stored; only 62's push reaches this client.
  all.push(msg(61), msg(62));
  store.receiveLive(msg(62));
  await store.loadNewer(); // 40..59, more to come
  assert.equal(store.hasMoreAfter, true);
  assert.ok(!seqs(store).includes(62));
  await store.loadNewer(); // 60..62: the end
  assert.equal(store.hasMoreAfter, false);
  assert.deepEqual(seqs(store), range(20, 62));
  assert.equal(store.newerWaiting, 0);
  store.receiveLive(msg(63));
  assert.equal(store.lastSeq, 63, 'at the end, live messages are appended again');
});

test('R6.4: jumpToLatest replaces the window with the newest page and adds what arrived live', async () => {
  const all = range(1, 150).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadAround(40);
  all.push(msg(151));
  store.receiveLive(msg(151));
  const release = server.hold();
  all.push(msg(152));
  const jumping = store.jumpToLatest();
  store.receiveLive(msg(152)); // arrives while the newest page is on its way (which may not have it)
  release();
  await jumping;
  await settleStore();
  assert.deepEqual(seqs(store), range(133, 152));
  assert.equal(store.hasMoreAfter, false);
  assert.equal(store.hasMoreBefore, true);
  assert.equal(store.newerWaiting, 0);
});

test('R6.4: loadAround a seq already in the window (no hole) fetches nothing', async () => {
  const all = range(1, 30).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 50 });
  await store.loadLatest();
  assert.equal(await store.loadAround(12), true);
  assert.equal(server.calls.length, 1);
  assert.equal(store.hasMoreAfter, false);
});

test('R6.4: a page asked for before the window was replaced is dropped (no hole in the new window)', async () => {
  const all = range(1, 300).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadLatest(); // 281..300
  const release = server.hold();
  const older = store.loadOlder(); // 261..280, slow
  const around = store.loadAround(40);
  release();
  await Promise.all([older, around]);
  assert.deepEqual(seqs(store), range(30, 49));
  assert.equal(store.loadingOlder, false);
});

test('R6.4: one\'s own message sent while the window does not reach the end stays pending until it does', async () => {
  const all = range(1, 150).map((s) => msg(s));
  const server = windowServer(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 20 });
  await store.loadAround(40);
  store.addPending({ clientMsgId: 'mine', body: 'hello', senderId: 9, senderName: 'Ada' });
  const stored = msg(151, { clientMsgId: 'mine', body: 'hello' });
  all.push(stored);
  store.merge([stored]); // the reply to the send
  assert.deepEqual(store.messages.at(-1).pending, true, 'still shown as sending, not out of order');
  await store.jumpToLatest();
  assert.equal(store.messages.at(-1).seq, 151);
  assert.equal(store.pendingMessages.length, 0);
});

test('R6.2: status entries take their seq in the window like messages', () => {
  const store = new ConversationStore({ conversationId: 1, fetchPage: async () => ({}) });
  store.merge([msg(1), msg(3), msg(2, { kind: 'closed', body: null, note: 'done' })]);
  assert.deepEqual(store.messages.map((m) => m.kind ?? 'message'), ['message', 'closed', 'message']);
  assert.equal(store.lastSeq, 3);
});

function settleStore() {
  return new Promise((r) => setTimeout(r, 0));
}

// ---- R2.5, R5.3: catch-up without gaps, and a clean reload when too far behind ---------------------------

test('R5.3: a catch-up more than maxCatchUp messages behind reloads the newest page instead (no silent gap)', async () => {
  let all = Array.from({ length: 60 }, (_, i) => msg(i + 1));
  const server = serverWith(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 50, maxCatchUp: 400 });
  await store.loadLatest();
  assert.equal(store.lastSeq, 60);
  const reloads = [];
  store.addEventListener('gap-reload', (e) => reloads.push(e.detail));
  all = [...all, ...Array.from({ length: 1000 }, (_, i) => msg(61 + i))]; // away for a long time
  await store.catchUp();
  assert.equal(reloads.length, 1, 'the view is told');
  assert.equal(store.lastSeq, 1060, 'the newest message is there');
  assert.deepEqual(seqs(store), range(1011, 1060), 'exactly the newest page: no hole inside the window');
  assert.equal(store.hasMoreBefore, true, 'older messages load by scrolling up');
  const afterCalls = server.calls.filter((c) => c.after != null).length;
  assert.equal(afterCalls, 2, 'two catch-up pages of 200 (400 messages), then it gave up on catching up');
  await store.loadOlder();
  assert.deepEqual(seqs(store), range(961, 1060), 'paging back is continuous');
});

test('R5.3: a live message far beyond the window reloads at once, without paging through the gap', async () => {
  let all = Array.from({ length: 10 }, (_, i) => msg(i + 1));
  const server = serverWith(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 50, maxCatchUp: 100 });
  await store.loadLatest();
  let reloaded = 0;
  store.addEventListener('gap-reload', () => { reloaded += 1; });
  all = [...all, ...Array.from({ length: 500 }, (_, i) => msg(11 + i))];
  store.receiveLive(msg(510));
  await store.catchUp();
  assert.equal(reloaded, 1);
  assert.equal(server.calls.filter((c) => c.after != null).length, 0, 'no catch-up page fetched');
  assert.deepEqual(seqs(store), range(461, 510));
});

test('R5.3: a catch-up within the bound merges everything, once, with pending messages kept', async () => {
  let all = Array.from({ length: 10 }, (_, i) => msg(i + 1));
  const server = serverWith(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, maxCatchUp: 1000 });
  await store.loadLatest();
  store.addPending({ clientMsgId: 'mine', body: 'hello', senderId: 9, senderName: 'Ada' });
  let reloaded = 0;
  store.addEventListener('gap-reload', () => { reloaded += 1; });
  all = [...all, ...Array.from({ length: 300 }, (_, i) => msg(11 + i)), msg(311, { clientMsgId: 'mine', body: 'hello' })];
  store.receiveLive(msg(311, { clientMsgId: 'mine', body: 'hello' })); // lands while the catch-up runs
  await store.catchUp();
  assert.equal(reloaded, 0);
  assert.deepEqual(seqs(store), range(1, 311));
  assert.equal(store.pendingMessages.length, 0, 'the pending copy was replaced, not shown twice');
  assert.equal(store.messages.filter((m) => m.clientMsgId === 'mine').length, 1);
});

test('R5.3: pending messages are sending, waiting or failed, and restore with their time and state', () => {
  const store = new ConversationStore({ conversationId: 1, fetchPage: async () => ({ messages: [] }) });
  store.addPending({ clientMsgId: 'a', body: 'x', senderId: 9, senderName: 'Ada', createdAt: '2024-01-01T10:00:00Z', waiting: true });
  store.addPending({ clientMsgId: 'b', body: 'y', senderId: 9, senderName: 'Ada', failed: true, error: 'Too long', errorCode: 'bad_request' });
  assert.equal(store.pendingMessage('a').createdAt, '2024-01-01T10:00:00Z');
  assert.equal(store.pendingMessage('a').waiting, true);
  assert.deepEqual([store.pendingMessage('b').failed, store.pendingMessage('b').waiting], [true, false]);
  store.markSending('a');
  assert.equal(store.pendingMessage('a').waiting, false);
  store.markWaiting('a', { message: 'offline', code: 'network' });
  assert.deepEqual([store.pendingMessage('a').waiting, store.pendingMessage('a').errorCode], [true, 'network']);
  store.markFailed('a', { message: 'no', code: 'forbidden' });
  assert.deepEqual([store.pendingMessage('a').failed, store.pendingMessage('a').waiting], [true, false]);
});

test('R5.3: a resend answered with a copy older than the window drops the pending copy and leaves no hole', async () => {
  const all = Array.from({ length: 120 }, (_, i) => msg(i + 1, { clientMsgId: `c${i + 1}` }));
  const server = serverWith(() => all);
  const store = new ConversationStore({ conversationId: 1, fetchPage: server.fetchPage, pageSize: 50 });
  await store.loadLatest();
  store.addPending({ clientMsgId: 'c5', body: 'm5', senderId: 9, senderName: 'Ada' });
  store.acceptSent([all[4]]); // stored long ago (the first answer was lost)
  assert.equal(store.pendingMessages.length, 0);
  assert.deepEqual(seqs(store), range(71, 120), 'not put in the window above a hole');
  store.addPending({ clientMsgId: 'new', body: 'hi', senderId: 9, senderName: 'Ada' });
  store.acceptSent([msg(121, { clientMsgId: 'new', body: 'hi' })]);
  assert.deepEqual(seqs(store), range(71, 121));
});
