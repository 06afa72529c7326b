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
