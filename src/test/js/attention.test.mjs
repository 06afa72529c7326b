import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attention } from '../../../webroot/lib/attention.js';

function fakePage({ visible = true, focused = true } = {}) {
  const document = new EventTarget();
  const window = new EventTarget();
  const state = { visible, focused };
  Object.defineProperty(document, 'visibilityState', { get: () => (state.visible ? 'visible' : 'hidden') });
  document.hasFocus = () => state.focused;
  return { document, window, state };
}

test('looking means visible and focused, and changes are reported once', () => {
  const page = fakePage();
  const attention = new Attention(page).start();
  const changes = [];
  attention.addEventListener('change', (e) => changes.push(e.detail.looking));
  assert.equal(attention.looking, true);

  page.state.focused = false;
  page.window.dispatchEvent(new Event('blur'));
  assert.equal(attention.looking, false);

  page.state.focused = true;
  page.state.visible = false;
  page.window.dispatchEvent(new Event('focus'));
  assert.equal(attention.looking, false, 'a hidden tab is not looked at, even focused');

  page.state.visible = true;
  page.document.dispatchEvent(new Event('visibilitychange'));
  assert.equal(attention.looking, true);
  assert.deepEqual(changes, [false, true]);
  attention.stop();
});

test('blur counts as looking away even if the browser still reports the focus', () => {
  const page = fakePage();
  const attention = new Attention(page).start();
  page.window.dispatchEvent(new Event('blur'));
  assert.equal(attention.looking, false);
  attention.stop();
});

test('after stop, no more events are followed', () => {
  const page = fakePage();
  const attention = new Attention(page).start();
  attention.stop();
  let fired = false;
  attention.addEventListener('change', () => {
    fired = true;
  });
  page.window.dispatchEvent(new Event('blur'));
  assert.equal(fired, false);
});
