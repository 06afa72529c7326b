import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuietState, MAX_AGE_MS } from '../../../webroot/lib/quiet-hours.js';
import { createFakeClock } from './fake-clock.mjs';

test('issue 31.2: in quiet hours a notification waits for their end; outside them it goes at once', async () => {
  const clock = createFakeClock(Date.parse('2026-07-01T20:30:00Z'));
  let answers = 0;
  const state = new QuietState({
    clock,
    fetch: async () => {
      answers += 1;
      const quiet = clock.now() < Date.parse('2026-07-02T06:00:00Z');
      return { quietNow: quiet, quietUntil: quiet ? '2026-07-02T06:00:00Z' : null };
    },
  });
  const shown = [];
  await state.hold(() => shown.push('toast'));
  assert.deepEqual(shown, [], 'held');
  assert.deepEqual((await state.current()).until, new Date('2026-07-02T06:00:00Z'));
  assert.equal(answers, 1, 'the answer is kept for a minute');
  clock.advance(Date.parse('2026-07-02T06:00:00Z') - clock.now() + 1_000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(shown, ['toast'], 'shown once the quiet hours ended');
  await state.hold(() => shown.push('later'));
  assert.deepEqual(shown, ['toast', 'later']);
  clock.advance(MAX_AGE_MS + 1);
  await state.current();
  assert.ok(answers >= 3, 'asked again once stale');
});

test('issue 31.2: not knowing counts as not quiet; stop() drops what waits', async () => {
  const clock = createFakeClock();
  const broken = new QuietState({ clock, fetch: async () => { throw new Error('offline'); } });
  const shown = [];
  await broken.hold(() => shown.push('now'));
  assert.deepEqual(shown, ['now']);
  const quiet = new QuietState({ clock, fetch: async () => ({ quietNow: true, quietUntil: null }) });
  await quiet.hold(() => shown.push('never'));
  quiet.stop();
  clock.advance(10 * 3600_000);
  assert.deepEqual(shown, ['now']);
  assert.equal(clock.pending, 0);
});
