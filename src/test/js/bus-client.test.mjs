// Run: node --experimental-detect-module --test src/test/js/   (Maven runs it: WebClientUnitTest)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusClient, BusError, transportKind } from '../../../webroot/lib/bus-client.js';
import { createFakeSockJS } from './fake-sockjs.mjs';

function client(options = {}) {
  const fake = createFakeSockJS();
  let n = 0;
  const bus = new BusClient('/eventbus', {
    SockJS: fake.FakeSockJS,
    networkEvents: null,
    random: () => 0, // reconnect immediately (setTimeout 0)
    pingIntervalMs: 60_000,
    newReplyAddress: () => `r${++n}`,
    ...options,
  });
  return { bus, fake };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('a request resolves with the reply on its reply address', async () => {
  const { bus, fake } = client();
  bus.start();
  assert.equal(bus.state, 'connecting');
  fake.last().open();
  assert.equal(bus.state, 'live');
  const reply = bus.request('chat.message.send', { body: 'hi' });
  const frame = fake.last().framesOfType('send')[0];
  assert.deepEqual(frame, { type: 'send', address: 'chat.message.send', body: { body: 'hi' }, replyAddress: 'r1' });
  fake.last().receive({ type: 'rec', address: 'r1', body: { message: { id: 1 } } });
  assert.deepEqual(await reply, { message: { id: 1 } });
  bus.close();
});

test('a failed command rejects with its failure code translated', async () => {
  const { bus, fake } = client();
  bus.start();
  fake.last().open();
  const reply = bus.request('chat.conversation.open', { studentId: 1 });
  fake.last().receive({ type: 'err', address: 'r1', failureCode: 403, failureType: 'RECIPIENT_FAILURE', message: 'Admins only' });
  await assert.rejects(reply, (e) => e instanceof BusError && e.code === 'forbidden' && e.failureCode === 403 && e.message === 'Admins only');
  bus.close();
});

test('Issue 24.12: a rate-limit refusal carries the server\'s retryAfter (ms), which the outbox paces by', async () => {
  const { bus, fake } = client();
  bus.start();
  fake.last().open();
  const limited = bus.request('chat.message.send', { body: 'x' });
  fake.last().receive({ type: 'err', address: 'r1', failureCode: 429, failureType: 'RECIPIENT_FAILURE', code: 'too_many_requests', message: 'Too many messages', retryAfter: 87 });
  await assert.rejects(limited, (e) => e.code === 'too_many_requests' && e.retryAfterMs === 87);
  const other = bus.request('chat.conversation.open', { studentId: 1 });
  fake.last().receive({ type: 'err', address: 'r2', failureCode: 403, message: 'Admins only' });
  await assert.rejects(other, (e) => e.code === 'forbidden' && e.retryAfterMs === null);
  bus.close();
});

test('requests time out, and reject at once when not live', async () => {
  const { bus, fake } = client();
  bus.start();
  await assert.rejects(bus.request('a', {}), (e) => e.code === 'not_connected');
  fake.last().open();
  await assert.rejects(bus.request('a', {}, { timeout: 5 }), (e) => e.code === 'timeout' && e.isTransportFailure);
  bus.close();
});

test('pending requests reject when the socket closes', async () => {
  const { bus, fake } = client();
  bus.start();
  fake.last().open();
  const reply = bus.request('a', {});
  fake.last().drop();
  await assert.rejects(reply, (e) => e.code === 'disconnected');
  assert.equal(bus.state, 'reconnecting');
  bus.close();
});

test('subscriptions are registered again after a reconnection, before "reconnected" fires', async () => {
  const { bus, fake } = client();
  const got = [];
  bus.subscribe('user.7', (body) => got.push(body));
  bus.start();
  fake.last().open();
  assert.deepEqual(fake.last().framesOfType('register'), [{ type: 'register', address: 'user.7' }]);
  fake.last().receive({ type: 'rec', address: 'user.7', body: { n: 1 } });

  fake.last().drop();
  await tick(5);
  const second = fake.last();
  assert.notEqual(second, fake.sockets[0]);
  let registeredWhenReconnected = null;
  bus.addEventListener('reconnected', () => {
    registeredWhenReconnected = second.framesOfType('register').map((f) => f.address);
  });
  second.open();
  assert.deepEqual(registeredWhenReconnected, ['user.7']);
  second.receive({ type: 'rec', address: 'user.7', body: { n: 2 } });
  assert.deepEqual(got, [{ n: 1 }, { n: 2 }]);
  bus.close();
});

test('unsubscribing the last handler unregisters the address', () => {
  const { bus, fake } = client();
  bus.start();
  fake.last().open();
  const off1 = bus.subscribe('role.admin', () => {});
  const off2 = bus.subscribe('role.admin', () => {});
  assert.equal(fake.last().framesOfType('register').length, 1);
  off1();
  assert.equal(fake.last().framesOfType('unregister').length, 0);
  off2();
  assert.deepEqual(fake.last().framesOfType('unregister'), [{ type: 'unregister', address: 'role.admin' }]);
  bus.close();
});

test('state goes offline after several failed attempts, and keeps trying', async () => {
  const { bus, fake } = client({ offlineAfterAttempts: 3 });
  const states = [];
  bus.addEventListener('statechange', (e) => states.push(e.detail.state));
  bus.start();
  fake.last().drop();
  await tick(2);
  fake.last().drop();
  await tick(2);
  fake.last().drop();
  assert.equal(bus.state, 'offline');
  await tick(2);
  assert.equal(fake.sockets.length, 4, 'still trying');
  fake.last().open();
  assert.equal(bus.state, 'live');
  assert.deepEqual(states, ['offline', 'live']);
  bus.close();
});

test('backoff uses full jitter with a cap', async () => {
  const delays = [];
  const realSetTimeout = globalThis.setTimeout;
  const { bus, fake } = client({ random: () => 1, backoffBaseMs: 500, backoffCapMs: 2000 });
  globalThis.setTimeout = (fn, ms) => {
    delays.push(ms);
    return realSetTimeout(() => {}, 0);
  };
  try {
    bus.start();
    for (let i = 0; i < 4; i += 1) {
      fake.last().drop();
      bus.retryNow(); // open the next socket without waiting for the (stubbed) timer
    }
  } finally {
    globalThis.setTimeout = realSetTimeout;
    bus.close();
  }
  assert.deepEqual(delays, [500, 1000, 2000, 2000]);
});

test('issue 24.6: by default a client tries again within 3 s, however long the server has been away', async () => {
  const delays = [];
  const realSetTimeout = globalThis.setTimeout;
  // The worst case of the jitter (random() → 1): the whole window, every time.
  const { bus, fake } = client({ random: () => 1 });
  globalThis.setTimeout = (fn, ms) => {
    delays.push(ms);
    return realSetTimeout(() => {}, 0);
  };
  try {
    bus.start();
    for (let i = 0; i < 12; i += 1) { // 12 failed attempts: well past a minute of outage with the old 30 s cap
      fake.last().drop();
      bus.retryNow();
    }
  } finally {
    globalThis.setTimeout = realSetTimeout;
    bus.close();
  }
  assert.deepEqual(delays.slice(0, 4), [500, 1000, 2000, 3000]);
  assert.ok(delays.every((ms) => ms <= 3000), `delays ${delays}`);
});

test('retryNow abandons a stuck attempt and connects at once', () => {
  const { bus, fake } = client({ random: () => 0.99, backoffBaseMs: 60_000, backoffCapMs: 60_000 });
  bus.start();
  fake.last().drop(); // next attempt scheduled a minute away
  assert.equal(fake.sockets.length, 1);
  bus.retryNow();
  assert.equal(fake.sockets.length, 2);
  fake.last().open();
  assert.equal(bus.state, 'live');
  bus.close();
});

test('a broken handler does not stop the others', () => {
  const { bus, fake } = client();
  const got = [];
  const originalError = console.error;
  console.error = () => {};
  try {
    bus.subscribe('user.1', () => {
      throw new Error('boom');
    });
    bus.subscribe('user.1', (b) => got.push(b));
    bus.start();
    fake.last().open();
    fake.last().receive({ type: 'rec', address: 'user.1', body: 1 });
  } finally {
    console.error = originalError;
  }
  assert.deepEqual(got, [1]);
  bus.close();
});

test('an err frame for no pending request is reported as buserror', () => {
  const { bus, fake } = client();
  const errors = [];
  bus.addEventListener('buserror', (e) => errors.push(e.detail));
  bus.start();
  fake.last().open();
  fake.last().receive({ type: 'err', body: 'access_denied' });
  assert.deepEqual(errors, [{ type: 'err', body: 'access_denied' }]);
  bus.close();
});

test('isDown stays false during the first attempt, then reports failures', async () => {
  const { bus, fake } = client();
  const failures = [];
  bus.addEventListener('attemptfailed', (e) => failures.push(e.detail.attempts));
  bus.start();
  assert.equal(bus.isDown, false, 'first connection attempt: not a problem yet');
  fake.last().drop();
  assert.equal(bus.state, 'connecting');
  assert.equal(bus.isDown, true);
  await tick(2);
  fake.last().open();
  assert.equal(bus.isDown, false);
  fake.last().drop();
  assert.equal(bus.state, 'reconnecting');
  assert.equal(bus.isDown, true);
  assert.deepEqual(failures, [1, 1]);
  bus.close();
});

// ---- transports (R1.4) ------------------------------------------------------------------------

test('R1.4: the live transport is known once open, and sorted by kind', async () => {
  const { bus, fake } = client({ webSocketSupported: () => true });
  const changes = [];
  bus.addEventListener('transportchange', (e) => changes.push(e.detail.transport));
  bus.start();
  assert.equal(bus.transport, null);
  fake.last().open('websocket');
  assert.equal(bus.transport, 'websocket');
  fake.last().drop();
  assert.equal(bus.transport, null);
  assert.deepEqual(changes, ['websocket', null]);
  assert.equal(transportKind('websocket'), 'websocket');
  assert.equal(transportKind('xhr-streaming'), 'http-streaming');
  assert.equal(transportKind('eventsource'), 'http-streaming');
  assert.equal(transportKind('xhr-polling'), 'http-polling');
  assert.equal(transportKind(null), null);
  bus.close();
});

test('R1.4: a WebSocket that cannot open while HTTP can is left out of the next sockets', async () => {
  const { bus, fake } = client({ webSocketSupported: () => true, wsAvoidMs: 60_000 });
  bus.start();
  assert.equal(fake.last().options?.transports, undefined, 'first socket: every transport, WebSocket first');
  fake.last().open('xhr-streaming'); // SockJS fell back by itself
  assert.equal(bus.transport, 'xhr-streaming');
  assert.equal(bus.webSocketAvoided, true);
  fake.last().drop();
  await tick(5);
  const next = fake.last();
  assert.notEqual(next, fake.sockets[0]);
  assert.ok(Array.isArray(next.options.transports));
  assert.equal(next.options.transports.includes('websocket'), false);
  assert.ok(next.options.transports.includes('xhr-streaming') && next.options.transports.includes('xhr-polling'));
  bus.close();
});

test('R1.4: a WebSocket that keeps dropping is left out for a while, then tried again beside the live socket', async () => {
  const { bus, fake } = client({ webSocketSupported: () => true, wsDropLimit: 3, wsAvoidMs: 30 });
  const got = [];
  bus.subscribe('user.7', (body) => got.push(body));
  let reconnections = 0;
  bus.addEventListener('reconnected', () => { reconnections += 1; });
  bus.start();
  for (let i = 0; i < 3; i += 1) {
    assert.equal(fake.last().options?.transports, undefined, `attempt ${i + 1} may use the WebSocket`);
    fake.last().open('websocket');
    fake.last().drop();
    await tick(2);
  }
  assert.equal(bus.webSocketAvoided, true, 'three drops in a short time');
  const http = fake.last();
  assert.equal(http.options.transports.includes('websocket'), false);
  http.open('xhr-streaming');
  assert.equal(bus.transport, 'xhr-streaming');
  const before = fake.sockets.length;

  await tick(60); // the WebSocket's time out is over: a WebSocket-only socket is opened beside the live one
  assert.equal(fake.sockets.length, before + 1);
  const probe = fake.last();
  assert.deepEqual(probe.options.transports, ['websocket']);
  assert.equal(bus.state, 'live', 'still live over HTTP meanwhile');
  assert.equal(http.closed, false);
  const reconnectionsBefore = reconnections;
  probe.open('websocket');
  assert.equal(bus.transport, 'websocket');
  assert.deepEqual(probe.framesOfType('register'), [{ type: 'register', address: 'user.7' }], 'addresses registered on it');
  assert.equal(http.closed, true, 'the HTTP socket closed once the WebSocket took over');
  assert.equal(reconnections, reconnectionsBefore + 1, 'views catch up what passed in between');
  assert.equal(bus.state, 'live');
  probe.receive({ type: 'rec', address: 'user.7', body: { n: 1 } });
  assert.deepEqual(got, [{ n: 1 }]);
  bus.close();
});

test('R1.4: a WebSocket try that fails keeps the HTTP socket and waits twice as long', async () => {
  const { bus, fake } = client({ webSocketSupported: () => true, wsAvoidMs: 20 });
  bus.start();
  fake.last().open('xhr-polling'); // could not open a WebSocket: avoided for 20 ms
  const http = fake.last();
  await tick(40);
  const probe = fake.last();
  assert.deepEqual(probe.options.transports, ['websocket']);
  probe.drop();
  assert.equal(bus.transport, 'xhr-polling');
  assert.equal(http.closed, false);
  const count = fake.sockets.length;
  await tick(25); // 20 ms would have been enough the first time: now it is 40
  assert.equal(fake.sockets.length, count);
  await tick(60);
  assert.equal(fake.sockets.length, count + 1);
  assert.deepEqual(fake.last().options.transports, ['websocket']);
  bus.close();
});

test('R1.4: retryWebSocket tries at once; without WebSocket support nothing is avoided or probed', async () => {
  const a = client({ webSocketSupported: () => true, wsAvoidMs: 60_000 });
  a.bus.start();
  a.fake.last().open('xhr-streaming');
  const count = a.fake.sockets.length;
  a.bus.retryWebSocket();
  assert.equal(a.fake.sockets.length, count + 1);
  assert.deepEqual(a.fake.last().options.transports, ['websocket']);
  a.bus.close();

  const b = client({ webSocketSupported: () => false, wsAvoidMs: 10 });
  b.bus.start();
  b.fake.last().open('xhr-streaming');
  assert.equal(b.bus.webSocketAvoided, false);
  await tick(30);
  assert.equal(b.fake.sockets.length, 1);
  b.bus.close();
});

test('a live socket that hears nothing, not even a heartbeat, is taken for dead: requests fail, reconnecting (issue 24.5)', async () => {
  const { bus, fake } = client({ silenceLimitMs: 80, silenceCheckMs: 10 });
  const states = [];
  bus.addEventListener('statechange', (e) => states.push(e.detail.state));
  bus.start();
  const first = fake.last();
  first.open();
  // Heartbeats and frames keep it alive well past the limit.
  for (let i = 0; i < 5; i++) {
    await tick(40);
    if (i % 2) first.heartbeat();
    else first.receive({ type: 'rec', address: 'nobody', body: {} });
  }
  assert.equal(bus.state, 'live');
  const outcome = bus.request('chat.message.send', { body: 'hi' }, { timeout: 60_000 }).then(() => 'replied', (e) => e.code);
  await tick(150); // silence: a frozen server
  assert.equal(await outcome, 'disconnected');
  assert.ok(first.closed, 'the silent socket is abandoned');
  assert.ok(states.includes('reconnecting'), states.join());
  assert.notEqual(fake.last(), first, 'a new socket is tried');
  fake.last().open();
  assert.equal(bus.state, 'live');
  bus.close();
});

test('at most maxInFlight requests await replies on a socket; the rest wait and go in order (issue 24.12)', async () => {
  const { bus, fake } = client({ maxInFlight: 3 });
  bus.start();
  const sock = fake.last();
  sock.open();
  const replies = [];
  const all = [];
  for (let i = 0; i < 8; i++) all.push(bus.request('chat.message.send', { n: i }).then((r) => replies.push(r.n)));
  assert.equal(sock.framesOfType('send').length, 3, 'three in flight');
  assert.equal(bus.waitingRequests, 5);
  // Replies, in any order, make room; the waiting ones follow in the order they were asked.
  for (let round = 0; round < 8; round++) {
    const sent = sock.framesOfType('send');
    const open = sent.filter((f) => !f.answered);
    const next = open[0];
    next.answered = true;
    sock.receive({ type: 'rec', address: next.replyAddress, body: { n: next.body.n } });
    await tick();
  }
  await Promise.all(all);
  assert.deepEqual(sock.framesOfType('send').map((f) => f.body.n), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(replies, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(bus.waitingRequests, 0);

  // Waiting requests fail with the sent ones when the socket goes, so callers can fall back.
  const more = [];
  for (let i = 0; i < 5; i++) more.push(bus.request('chat.message.send', { n: i }).then(() => 'ok', (e) => e.code));
  sock.drop();
  assert.deepEqual(await Promise.all(more), ['disconnected', 'disconnected', 'disconnected', 'disconnected', 'disconnected']);
  bus.close();
});
