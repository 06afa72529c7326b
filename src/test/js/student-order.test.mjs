import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareStudents,
  insertionIndex,
  placeStudent,
  appendPage,
  matchesFilters,
} from '../../../webroot/lib/student-order.js';

const s = (id, name, { unread = 0, at = null, lastSeq = 0, ...rest } = {}) => ({ id, name, unread, lastMessageAt: at, lastSeq, ...rest });

test('unread first, then latest activity (none last), then name, then id: the server order', () => {
  const list = [
    s(1, 'Zoe'),
    s(2, 'adam'),
    s(3, 'Bea', { at: '2024-03-01T10:00:00Z' }),
    s(4, 'Carl', { at: '2024-03-02T10:00:00Z' }),
    s(5, 'Dan', { unread: 1, at: '2024-01-01T00:00:00Z' }),
    s(6, 'Eve', { unread: 7, at: '2023-01-01T00:00:00Z' }),
    s(7, 'Adam'),
  ];
  const sorted = [...list].sort(compareStudents).map((x) => x.id);
  // Any unread count is "unread" (Dan's 1 is not below Eve's 7); within a group newest activity first.
  assert.deepEqual(sorted, [5, 6, 4, 3, 2, 7, 1]);
});

test('timestamps compare as instants, whatever their precision', () => {
  const a = s(1, 'A', { at: '2024-03-01T10:00:00.5Z' });
  const b = s(2, 'B', { at: '2024-03-01T10:00:00.250000Z' });
  assert.ok(compareStudents(a, b) < 0);
});

test('insertionIndex finds the place in a sorted list', () => {
  const list = [s(1, 'A', { unread: 2 }), s(2, 'B', { at: '2024-01-02T00:00:00Z' }), s(3, 'C')];
  assert.equal(insertionIndex(list, s(9, 'X', { unread: 1, at: '2024-05-01T00:00:00Z' })), 0);
  assert.equal(insertionIndex(list, s(9, 'X', { at: '2024-01-03T00:00:00Z' })), 1);
  assert.equal(insertionIndex(list, s(9, 'D')), 3);
  assert.equal(insertionIndex([], s(9, 'D')), 0);
});

test('placeStudent moves an updated row to its place and leaves the input alone', () => {
  const list = [s(1, 'A', { at: '2024-01-03T00:00:00Z' }), s(2, 'B', { at: '2024-01-02T00:00:00Z' }), s(3, 'C')];
  const out = placeStudent(list, s(3, 'C', { unread: 1, at: '2024-01-04T00:00:00Z' }), { complete: true });
  assert.deepEqual(out.map((x) => x.id), [3, 1, 2]);
  assert.equal(out[0].unread, 1);
  assert.deepEqual(list.map((x) => x.id), [1, 2, 3]);
});

test('placeStudent drops a row whose place is past the loaded rows, unless every row is loaded', () => {
  const list = [s(1, 'A', { unread: 1 }), s(2, 'B', { unread: 1 })];
  // Reading A moves it below B, into rows the client has not loaded: its page will bring it back.
  assert.deepEqual(placeStudent(list, s(1, 'A'), { complete: false }).map((x) => x.id), [2]);
  assert.deepEqual(placeStudent(list, s(1, 'A'), { complete: true }).map((x) => x.id), [2, 1]);
  // A row not held comes in when it sorts inside the loaded rows, not when it sorts after them.
  const active = s(5, 'E', { unread: 3, at: '2024-01-01T00:00:00Z' });
  assert.deepEqual(placeStudent(list, active, { complete: false }).map((x) => x.id), [5, 1, 2]);
  assert.deepEqual(placeStudent(list, s(6, 'F', { unread: 3 }), { complete: false }).map((x) => x.id), [1, 2]);
});

test('appendPage skips rows already held and keeps the copy that has seen more messages', () => {
  const list = [s(1, 'A', { lastSeq: 4, unread: 1 }), s(2, 'B', { lastSeq: 1 })];
  const out = appendPage(list, [s(2, 'B', { lastSeq: 3 }), s(1, 'A', { lastSeq: 2 }), s(3, 'C')]);
  assert.deepEqual(out.map((x) => [x.id, x.lastSeq]), [[1, 4], [2, 3], [3, 0]]);
});

test('matchesFilters: class equal, text in name, email or roll ID, any case, trimmed', () => {
  const sam = { name: 'Sam Student', email: 'sam@test.school', rollId: 'R-001', className: '7A' };
  assert.ok(matchesFilters(sam, {}));
  assert.ok(matchesFilters(sam, { className: '7A' }));
  assert.ok(!matchesFilters(sam, { className: '7B' }));
  assert.ok(matchesFilters(sam, { q: '  STUDENT ' }));
  assert.ok(matchesFilters(sam, { q: 'test.sch' }));
  assert.ok(matchesFilters(sam, { q: 'r-00', className: '7A' }));
  assert.ok(!matchesFilters(sam, { q: 'olga' }));
});
