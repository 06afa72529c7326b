import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  searchQuery, snippetSegments, hitPath, describeSearchError, emptyFilters, hasFilters, SearchSession, MAX_QUERY_LENGTH,
  withoutStudentWords,
} from '../../../webroot/lib/search.js';

// R6.4: message search, without the DOM.

const filters = (extra = {}) => ({ ...emptyFilters(), ...extra });
const settle = () => new Promise((r) => setTimeout(r, 0));

test('R6.4: the query carries the text, sort and filters; empty text searches nothing', () => {
  assert.deepEqual(searchQuery('   ', filters()), { query: null, error: null });
  const { query } = searchQuery('  field trip ', filters({
    student: { id: 11, name: 'Sam Student' }, className: '7A', senderRole: 'student', status: 'closed', sort: 'date',
  }), { role: 'admin', timeZone: 'UTC' });
  assert.deepEqual(query, { q: 'field trip', sort: 'date', limit: 20, studentId: 11, className: '7A', senderRole: 'student', status: 'closed' });
  assert.equal(searchQuery('x', filters()).query.sort, 'relevance');
  assert.match(searchQuery('x'.repeat(MAX_QUERY_LENGTH + 1), filters()).error, /at most 200/);
  assert.equal(searchQuery('x'.repeat(MAX_QUERY_LENGTH), filters()).error, null);
});

test('R6.4: dates are local days in the viewer\'s zone: from its first instant, to the start of the next day', () => {
  const paris = searchQuery('exam', filters({ from: '2024-05-03', to: '2024-05-03' }), { timeZone: 'Europe/Paris' }).query;
  assert.equal(paris.from, '2024-05-02T22:00:00.000Z');
  assert.equal(paris.to, '2024-05-03T22:00:00.000Z', 'the whole of 3 May, exclusive end');
  const ny = searchQuery('exam', filters({ to: '2024-03-09' }), { timeZone: 'America/New_York' }).query;
  assert.equal(ny.from, undefined);
  assert.equal(ny.to, '2024-03-10T05:00:00.000Z');
  const dst = searchQuery('exam', filters({ from: '2024-03-10', to: '2024-03-10' }), { timeZone: 'America/New_York' }).query;
  assert.equal(dst.from, '2024-03-10T05:00:00.000Z');
  assert.equal(dst.to, '2024-03-11T04:00:00.000Z', 'a 23-hour day');
  assert.equal(searchQuery('exam', filters({ from: '2024-05-04', to: '2024-05-03' })).error, 'The start date is after the end date.');
  assert.match(searchQuery('exam', filters({ from: '2024-02-30' })).error, /not a valid date/);
});

test("R6.4: a student's query sends only the text, sort, sender role and dates", () => {
  const { query } = searchQuery('exam', filters({
    student: { id: 12 }, className: '7B', status: 'active', senderRole: 'admin', from: '2024-05-01',
  }), { role: 'student', timeZone: 'UTC' });
  assert.deepEqual(query, { q: 'exam', sort: 'relevance', limit: 20, senderRole: 'admin', from: '2024-05-01T00:00:00.000Z' });
  assert.equal(hasFilters(filters()), false);
  assert.equal(hasFilters(filters({ to: '2024-05-01' })), true);
});

test('R6.4: snippet segments are plain text parts, matches marked; anything else is one plain segment', () => {
  assert.deepEqual(snippetSegments([{ text: 'the ', match: false }, { text: 'trip', match: true }, { text: '', match: false }]), [
    { text: 'the ', match: false }, { text: 'trip', match: true },
  ]);
  assert.deepEqual(snippetSegments('<b>trip</b>'), [{ text: '<b>trip</b>', match: false }]);
  assert.deepEqual(snippetSegments(null), []);
  assert.deepEqual(snippetSegments([{ text: 5, match: 1 }, null]), [{ text: '5', match: true }]);
});

test('R6.4: a hit opens its conversation at its seq', () => {
  const hit = { message: { id: 1, seq: 42 }, student: { id: 11 } };
  assert.equal(hitPath(hit, 'admin'), '/admin/students/11?seq=42');
  assert.equal(hitPath(hit, 'student'), '/student?seq=42');
});

test("R6.4: a refused query shows the server's message; other failures say so", () => {
  assert.equal(describeSearchError({ status: 400, code: 'bad_request', message: 'q must be 1-200 characters' }), 'q must be 1-200 characters');
  assert.equal(describeSearchError({ status: 500, code: 'internal', message: 'boom' }), 'The search failed: boom');
  assert.equal(describeSearchError({ status: 0, code: 'network', message: 'Cannot reach the server.' }), 'Cannot reach the server.');
});

/** A stand-in for GET /api/search: `hits` results, pages of `limit`, an opaque cursor. */
function fakeSearch(total = 45) {
  const calls = [];
  const pending = [];
  const search = (query, { signal } = {}) => {
    calls.push(query);
    return new Promise((resolve, reject) => {
      const answer = () => {
        const start = query.cursor ? Number(query.cursor.slice(1)) : 0;
        const results = Array.from({ length: Math.max(0, Math.min(query.limit, total - start)) }, (_, i) => ({
          message: { id: start + i + 1, seq: start + i + 1 }, student: { id: 11, name: 'Sam' }, snippet: [], rank: 1,
        }));
        const next = start + results.length;
        resolve({ results, nextCursor: next < total ? `c${next}` : null, students: query.cursor ? [] : [{ id: 11 }] });
      };
      signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      pending.push({ query, answer, fail: (e) => reject(e) });
    });
  };
  return { search, calls, pending };
}

test('R6.4: searching, then loading more with nextCursor until there is none (no cap)', async () => {
  const server = fakeSearch(45);
  const session = new SearchSession({ search: server.search, timeZone: 'UTC' });
  const running = session.run('trip', filters());
  assert.equal(session.state, 'loading');
  server.pending.shift().answer();
  await running;
  assert.equal(session.state, 'done');
  assert.equal(session.results.length, 20);
  assert.deepEqual(session.students, [{ id: 11 }]);
  assert.equal(session.nextCursor, 'c20');
  for (const expected of [40, 45]) {
    const more = session.loadMore();
    assert.equal(session.loadingMore, true);
    server.pending.shift().answer();
    await more;
    assert.equal(session.results.length, expected);
  }
  assert.equal(session.nextCursor, null);
  assert.deepEqual(server.calls.map((c) => c.cursor ?? null), [null, 'c20', 'c40']);
  assert.deepEqual(session.students, [{ id: 11 }], 'the student matches of the first page stay');
  await session.loadMore();
  assert.equal(server.calls.length, 3, 'nothing more to load');
});

test('R6.4: a newer search wins over an older one still on its way', async () => {
  const server = fakeSearch(5);
  const session = new SearchSession({ search: server.search, timeZone: 'UTC' });
  const first = session.run('tri', filters());
  const second = session.run('trip', filters());
  server.pending[1].answer();
  await second;
  await first;
  assert.equal(session.state, 'done');
  assert.equal(server.calls[1].q, 'trip');
  assert.equal(session.results.length, 5);
});

test('R6.4: a failed search shows why; a failed page keeps the results; dates the wrong way round ask nothing', async () => {
  const server = fakeSearch(45);
  const session = new SearchSession({ search: server.search, timeZone: 'UTC' });
  const running = session.run('"unclosed', filters());
  server.pending.shift().fail(Object.assign(new Error('Bad query'), { status: 400, code: 'bad_request' }));
  await running;
  assert.equal(session.state, 'error');
  assert.equal(session.error, 'Bad query');

  const again = session.run('trip', filters());
  server.pending.shift().answer();
  await again;
  const more = session.loadMore();
  server.pending.shift().fail(Object.assign(new Error('down'), { status: 503, code: 'unavailable' }));
  await more;
  assert.equal(session.results.length, 20);
  assert.equal(session.state, 'done');
  assert.equal(session.error, 'The search failed: down');
  assert.equal(session.nextCursor, 'c20', 'it can be tried again');

  const calls = server.calls.length;
  await session.run('trip', filters({ from: '2024-05-02', to: '2024-05-01' }));
  assert.equal(session.state, 'error');
  assert.equal(session.error, 'The start date is after the end date.');
  assert.equal(server.calls.length, calls);

  await session.run('  ', filters());
  assert.equal(session.state, 'idle');
  assert.equal(session.results.length, 0);
  await settle();
});

test('issue 27.6: choosing "Only this student" drops the words that found the student from the query', () => {
  const sam = { name: 'Sam Student', rollId: 'R-001' };
  assert.equal(withoutStudentWords('sam', sam), '');
  assert.equal(withoutStudentWords('Sam trip', sam), 'trip');
  assert.equal(withoutStudentWords('sam stu form', sam), 'form');
  assert.equal(withoutStudentWords('r-001 permission', sam), 'permission');
  // Words that are not the student's stay, and so do phrases and exclusions, whatever they hold.
  assert.equal(withoutStudentWords('trip "sam said" -sam', sam), 'trip "sam said" -sam');
  assert.equal(withoutStudentWords('samuel', sam), 'samuel');
  assert.equal(withoutStudentWords('', sam), '');
});

test('Issue 24.2: a search refused for its rate (429) is asked again after the wait the server names', async () => {
  const server = fakeSearch(5);
  const session = new SearchSession({ search: server.search, timeZone: 'UTC' });
  const running = session.run('trip', filters());
  server.pending.shift().fail(Object.assign(new Error('Too many searches'), { status: 429, code: 'too_many_requests',
    retryAfter: 1, retryAfterMs: 20 }));
  assert.equal(session.state, 'loading');
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(server.calls.length, 2, 'asked again');
  server.pending.shift().answer();
  await running;
  assert.equal(session.state, 'done');
  assert.equal(session.results.length, 5);

  // A newer search while waiting: the older one is not asked again.
  const older = session.run('tri', filters());
  server.pending.shift().fail(Object.assign(new Error('Too many searches'), { status: 429, code: 'too_many_requests',
    retryAfterMs: 30 }));
  await settle();
  const newer = session.run('trip', filters());
  server.pending.shift().answer();
  await newer;
  await older;
  assert.equal(server.calls.length, 4);
  assert.equal(session.state, 'done');
});
