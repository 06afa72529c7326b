import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bidiSegments } from '../../../webroot/lib/format.js';

test('bidirectional controls are named, not obeyed (issue 24, point 10)', () => {
  assert.deepEqual(bidiSegments('invoice\u202Efdp.exe'), [
    { text: 'invoice' }, { control: 'RLO', code: 'U+202E' }, { text: 'fdp.exe' },
  ]);
  assert.deepEqual(bidiSegments('\u2067a\u2069'), [
    { control: 'RLI', code: 'U+2067' }, { text: 'a' }, { control: 'PDI', code: 'U+2069' },
  ]);
});

test('text without controls is one segment, right-to-left scripts included', () => {
  assert.deepEqual(bidiSegments('שלום, how are you? مرحبا'), [{ text: 'שלום, how are you? مرحبا' }]);
  assert.deepEqual(bidiSegments(''), [{ text: '' }]);
});
