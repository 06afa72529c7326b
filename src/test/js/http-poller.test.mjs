// Run: node --experimental-detect-module --test src/test/js/   (Maven runs it: WebClientUnitTest)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpPoller } from '../../../webroot/lib/http-poller.js';
import { describeConnection } from '../../../webroot/lib/connection-mode.js';
import { createFakeClock } from './fake-clock.mjs';

class FakeBus extends EventTarget {
  state = 'connecting';
  isDown = false;
  set(state, isDown = state !== 'live') {
    this.state = state;
    this.isDown = isDown;
    this.dispatchEvent(new CustomEvent('statechange', { detail: { state } }));
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

function setup(options = {}) {
  const clock = createFakeClock();
  const bus = new FakeBus();
  const poller = new HttpPoller(bus, {
    intervalMs: 1000,
    maxIntervalMs: 8000,
    random: () => 0.5,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    ...options,
  });
  return { clock, bus, poller };
}

test('R1.4: polls only while the live channel is down, and stops once it is live again', async () => {
  const { clock, bus, poller } = setup();
  let runs = 0;
  poller.add(async () => { runs += 1; });
  poller.start();
  assert.equal(poller.polling, false, 'first connection attempt: no polling');
  bus.set('live');
  clock.advance(10_000);
  await flush();
  assert.equal(runs, 0);

  bus.set('reconnecting');
  await flush();
  assert.equal(poller.polling, true);
  assert.equal(runs, 1, 'a round at once');
  assert.equal(poller.reachable, true);
  clock.advance(1000); // base interval (random 0.5: no jitter)
  await flush();
  assert.equal(runs, 2);
  clock.advance(1000);
  await flush();
  assert.equal(runs, 3);

  bus.set('live');
  assert.equal(poller.polling, false);
  assert.equal(poller.reachable, null);
  clock.advance(10_000);
  await flush();
  assert.equal(runs, 3, 'no polling while live');
  assert.equal(clock.pending, 0);
  poller.stop();
});

test('R1.4: an unreachable server backs off (doubling, capped) and reads as unreachable', async () => {
  const { clock, bus, poller } = setup({ random: () => 1 });
  let fail = true;
  const times = [];
  poller.add(async () => {
    times.push(clock.now());
    if (fail) throw Object.assign(new Error('no network'), { code: 'network' });
  });
  const changes = [];
  poller.addEventListener('change', () => changes.push(poller.reachable));
  poller.start();
  bus.set('offline');
  await flush();
  assert.equal(poller.reachable, false);
  for (let i = 0; i < 300; i += 1) {
    clock.advance(100);
    await flush();
  }
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.deepEqual(gaps.slice(0, 4), [2000, 4000, 8000, 8000], 'doubling up to the cap');
  fail = false;
  for (let i = 0; i < 90; i += 1) {
    clock.advance(100);
    await flush();
  }
  assert.equal(poller.reachable, true, 'works again');
  const t = times.length;
  clock.advance(1200); // base interval with jitter (random 1: +20 %)
  await flush();
  assert.equal(times.length, t + 1);
  assert.deepEqual(changes, [null, false, true]);
  poller.stop();
});

test('R1.4: a refusal (not an outage) does not back off; pollNow runs a round at once', async () => {
  const { clock, bus, poller } = setup();
  let runs = 0;
  const originalWarn = console.warn;
  console.warn = () => {};
  try {
    poller.add(async () => {
      runs += 1;
      throw Object.assign(new Error('no'), { code: 'forbidden' });
    });
    poller.start();
    bus.set('reconnecting');
    await flush();
    assert.equal(poller.reachable, true, 'the server answered');
    await poller.pollNow();
    assert.equal(runs, 2);
  } finally {
    console.warn = originalWarn;
    poller.stop();
  }
  assert.equal(clock.pending, 0);
});

test('R1.4: the mode says how messages travel, in words', () => {
  assert.equal(describeConnection({ state: 'connecting' }).mode, 'connecting');
  assert.equal(describeConnection({ state: 'connecting' }).canRetry, false);
  const ws = describeConnection({ state: 'live', transport: 'websocket' });
  assert.deepEqual([ws.mode, ws.label, ws.canRetry, ws.degraded], ['websocket', 'Live (WebSocket)', false, false]);
  const streaming = describeConnection({ state: 'live', transport: 'xhr-streaming' });
  assert.deepEqual([streaming.mode, streaming.label, streaming.canRetry], ['http-streaming', 'Live (HTTP streaming)', true]);
  assert.equal(describeConnection({ state: 'live', transport: 'xhr-polling' }).label, 'Live (HTTP polling)');
  assert.equal(describeConnection({ state: 'reconnecting', failedAttempts: 1 }).label, 'Reconnecting…');
  const httpOnly = describeConnection({ state: 'offline', failedAttempts: 5, reachable: true });
  assert.deepEqual([httpOnly.mode, httpOnly.label, httpOnly.canRetry], ['http-only', 'HTTP only', true]);
  assert.equal(describeConnection({ state: 'connecting', failedAttempts: 1, reachable: true }).mode, 'http-only');
  assert.equal(describeConnection({ state: 'reconnecting', failedAttempts: 1, reachable: false }).mode, 'offline');
  assert.equal(describeConnection({ state: 'reconnecting', failedAttempts: 1, reachable: true, online: false }).mode, 'offline');
});
