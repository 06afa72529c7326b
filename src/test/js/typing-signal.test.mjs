import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypingSignal, TYPING_INTERVAL_MS } from '../../../webroot/lib/typing-signal.js';
import { createFakeClock } from './fake-clock.mjs';

const settle = () => new Promise((r) => setTimeout(r, 0));

function signal({ live = true } = {}) {
  const clock = createFakeClock();
  const sent = [];
  const state = { live };
  const typing = new TypingSignal({ send: async (id) => sent.push(id), isLive: () => state.live, clock });
  return { clock, sent, state, typing };
}

test('keystrokes send at most one typing event per conversation every 2 s', async () => {
  const { clock, sent, typing } = signal();
  for (let i = 0; i < 20; i += 1) {
    typing.typed(7);
    clock.advance(250); // 5 s of typing, four keys a second
  }
  await settle();
  assert.deepEqual(sent, [7, 7, 7], 'at 0 s, 2 s and 4 s');
  typing.typed(8);
  await settle();
  assert.deepEqual(sent, [7, 7, 7, 8], 'another conversation has its own pace');
  assert.equal(TYPING_INTERVAL_MS, 2000);
});

test('nothing is sent when the live channel is down (never over HTTP)', async () => {
  const { sent, state, typing } = signal({ live: false });
  assert.equal(typing.typed(7), false);
  state.live = true;
  assert.equal(typing.typed(7), true);
  await settle();
  assert.deepEqual(sent, [7]);
});

test('after sending the message, the next keystroke announces at once', async () => {
  const { clock, sent, typing } = signal();
  typing.typed(7);
  clock.advance(500);
  typing.reset(7);
  typing.typed(7);
  await settle();
  assert.deepEqual(sent, [7, 7]);
});

test('a failed send is not an error for the page', async () => {
  const clock = createFakeClock();
  const typing = new TypingSignal({ send: async () => { throw new Error('refused'); }, isLive: () => true, clock });
  const original = console.debug;
  console.debug = () => {};
  try {
    assert.equal(typing.typed(7), true);
    await settle();
  } finally {
    console.debug = original;
  }
});
