import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenAll } from '../../../webroot/lib/listeners.js';

test('listenAll adds every binding and its remover takes exactly those away', () => {
  const a = new EventTarget();
  const b = new EventTarget();
  const seen = [];
  const remove = listenAll([
    [a, 'x', () => seen.push('a.x')],
    [b, 'y', () => seen.push('b.y')],
    [null, 'z', () => seen.push('never')],
    [undefined, 'z', () => seen.push('never')],
  ]);
  a.dispatchEvent(new Event('x'));
  b.dispatchEvent(new Event('y'));
  assert.deepEqual(seen, ['a.x', 'b.y']);
  remove();
  a.dispatchEvent(new Event('x'));
  b.dispatchEvent(new Event('y'));
  assert.deepEqual(seen, ['a.x', 'b.y'], 'nothing heard after removal');
});
