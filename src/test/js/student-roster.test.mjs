import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StudentRoster, MAX_LIMIT } from '../../../webroot/lib/student-roster.js';
import { compareStudents, matchesFilters } from '../../../webroot/lib/student-order.js';

const ME = 1000;
const OTHER_ADMIN = 1001;

/**
 * An in-memory stand-in for the server's roster endpoints, ordering and filtering as the server does.
 * `hold()` makes the next calls wait until `release()`, to interleave events with requests.
 */
function fakeServer(count = 5) {
  const rows = new Map();
  for (let id = 1; id <= count; id += 1) {
    const name = `Student ${String(id).padStart(4, '0')}`;
    rows.set(id, {
      id, name, email: `s${id}@school`, rollId: `R-${id}`, className: id % 2 ? '7A' : '7B',
      conversationId: id + 100, conversationStatus: 'active', lastMessageAt: null, lastSeq: 0, unread: 0, online: false,
    });
  }
  const calls = [];
  let gate = null;
  const wait = async () => {
    if (gate) await gate.promise;
  };
  const api = {
    async listStudents({ q = '', className = '', status = '', limit, offset }) {
      calls.push({ call: 'list', limit, offset, ...(status ? { status } : {}) });
      await wait();
      const all = [...rows.values()].filter((s) => matchesFilters(s, { q, className, status })).sort(compareStudents);
      return { students: all.slice(offset, offset + limit).map((s) => ({ ...s })), total: all.length };
    },
    async getStudent(id) {
      calls.push({ call: 'student', id });
      await wait();
      const row = rows.get(id);
      if (!row) throw Object.assign(new Error('No such student'), { code: 'not_found' });
      return { ...row };
    },
    async getConversation(conversationId) {
      calls.push({ call: 'conversation', conversationId });
      await wait();
      const row = [...rows.values()].find((s) => s.conversationId === conversationId);
      return { conversation: { id: conversationId, studentId: row.id }, student: { id: row.id } };
    },
  };
  let clock = Date.parse('2024-05-01T08:00:00Z');
  /** Stores a message on the "server" and returns it, as the event would carry it. */
  const write = (studentId, { from = 'student', senderId } = {}) => {
    const row = rows.get(studentId);
    clock += 1000;
    const seq = row.lastSeq + 1;
    const createdAt = new Date(clock).toISOString();
    const sender = from === 'student' ? studentId : senderId ?? OTHER_ADMIN;
    row.lastSeq = seq;
    row.lastMessageAt = createdAt;
    if (from === 'student') row.unread += 1;
    else if (sender === ME) row.unread = 0;
    return { id: row.conversationId * 1000 + seq, conversationId: row.conversationId, seq, senderId: sender, senderRole: from, createdAt };
  };
  /** A status entry (R6.2): closing or reopening, by an admin or (reopening by writing) the student. */
  const changeStatus = (studentId, kind, { by = OTHER_ADMIN, role = 'admin' } = {}) => {
    const row = rows.get(studentId);
    clock += 1000;
    const seq = row.lastSeq + 1;
    const createdAt = new Date(clock).toISOString();
    row.lastSeq = seq; // a status entry takes a seq, but is not activity: last_message_at stays (the server's)
    row.conversationStatus = kind === 'closed' ? 'closed' : 'active';
    return {
      id: row.conversationId * 1000 + seq, conversationId: row.conversationId, seq, kind, senderId: by, senderRole: role,
      body: null, note: null, createdAt, studentId, conversationStatus: row.conversationStatus,
    };
  };
  return {
    rows, api, calls, write, changeStatus,
    hold() {
      let release;
      const promise = new Promise((r) => {
        release = r;
      });
      gate = { promise, release };
    },
    release() {
      gate?.release();
      gate = null;
    },
  };
}

const ids = (roster) => roster.students.map((s) => s.id);
const settle = () => new Promise((r) => setTimeout(r, 0));

test('loads the first page, then appends pages until every row is held', async () => {
  const server = fakeServer(7);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 3 });
  await roster.reload();
  assert.deepEqual(ids(roster), [1, 2, 3]);
  assert.equal(roster.total, 7);
  assert.equal(roster.complete, false);
  await roster.loadMore();
  await roster.loadMore();
  assert.deepEqual(ids(roster), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(roster.complete, true);
  await roster.loadMore();
  assert.equal(server.calls.filter((c) => c.call === 'list').length, 3, 'nothing asked once complete');
});

test("a student's message raises their unread count and moves them to the top; a repeated push changes nothing", async () => {
  const server = fakeServer(5);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  const m = server.write(4);
  roster.applyMessage(m);
  assert.deepEqual(ids(roster), [4, 1, 2, 3, 5]);
  assert.equal(roster.find(4).unread, 1);
  assert.equal(roster.find(4).lastMessageAt, m.createdAt);
  roster.applyMessage(m);
  assert.equal(roster.find(4).unread, 1);
  roster.applyMessage(server.write(4));
  assert.equal(roster.find(4).unread, 2);
  assert.equal(server.calls.length, 1, 'no request per event');
});

test('no unread while this admin looks at that conversation; an admin message moves the row but counts nothing', async () => {
  const server = fakeServer(5);
  let looking = 3;
  const roster = new StudentRoster({ api: server.api, myId: ME, isLookingAt: (id) => id === looking });
  await roster.reload();
  roster.applyMessage(server.write(3));
  assert.equal(roster.find(3).unread, 0);
  assert.deepEqual(ids(roster), [3, 1, 2, 4, 5]);
  looking = null;
  roster.applyMessage(server.write(2, { from: 'admin' }));
  assert.deepEqual(ids(roster), [2, 3, 1, 4, 5]);
  assert.equal(roster.find(2).unread, 0);
});

test("this admin's own message clears the row's unread (the server moved their read mark)", async () => {
  const server = fakeServer(3);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.write(2));
  roster.applyMessage(server.write(2));
  assert.equal(roster.find(2).unread, 2);
  roster.applyMessage(server.write(2, { from: 'admin', senderId: ME }));
  assert.equal(roster.find(2).unread, 0);
});

test('a message for a row not held fetches that row and puts it in its place', async () => {
  const server = fakeServer(50);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 10 });
  await roster.reload();
  roster.applyMessage(server.write(42));
  await settle();
  assert.deepEqual(ids(roster).slice(0, 2), [42, 1]);
  assert.equal(roster.find(42).unread, 1);
  assert.equal(roster.students.length, 11);
  assert.equal(roster.total, 50);
  assert.deepEqual(server.calls.at(-1), { call: 'student', id: 42 });
});

test('another admin writing to a row not held: the conversation names the student, then the row is fetched', async () => {
  const server = fakeServer(50);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 10 });
  await roster.reload();
  roster.applyMessage(server.write(30, { from: 'admin' }));
  await settle();
  await settle();
  assert.equal(ids(roster)[0], 30);
  assert.deepEqual(server.calls.slice(1), [{ call: 'conversation', conversationId: 130 }, { call: 'student', id: 30 }]);
});

test('a fetched row that does not match the filters stays out', async () => {
  const server = fakeServer(50);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 10 });
  await roster.setFilters({ className: '7A' });
  roster.applyMessage(server.write(42)); // 42 is in 7B
  await settle();
  assert.equal(roster.find(42), undefined);
  assert.ok(roster.students.every((s) => s.className === '7A'));
});

test('with every matching row held, a message of a row not held asks nothing (it is filtered out)', async () => {
  const server = fakeServer(6);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.setFilters({ className: '7A' });
  assert.equal(roster.complete, true);
  roster.applyMessage(server.write(2));
  await settle();
  assert.equal(server.calls.length, 1);
});

test('messages that arrive while the row is being fetched are applied after it, counted once', async () => {
  const server = fakeServer(50);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 10 });
  await roster.reload();
  server.hold();
  roster.applyMessage(server.write(42));
  const second = server.write(42); // stored before the fetch answers: the fetched row counts it
  roster.applyMessage(second);
  server.release();
  await settle();
  await settle();
  assert.equal(roster.find(42).unread, 2);
  roster.applyMessage(server.write(42)); // after: counted by the event
  assert.equal(roster.find(42).unread, 3);
});

test('a read mark covering the last message clears the count and the row moves to its new place', async () => {
  const server = fakeServer(4);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.write(4));
  roster.applyMessage(server.write(4));
  roster.applyMessage(server.write(3, { from: 'admin' }));
  assert.deepEqual(ids(roster), [4, 3, 1, 2]);
  roster.applyRead({ conversationId: 104, readSeq: 2 });
  assert.equal(roster.find(4).unread, 0);
  assert.deepEqual(ids(roster), [3, 4, 1, 2]);
  assert.equal(server.calls.length, 1);
});

test('a read mark in the middle asks the server for the exact count', async () => {
  const server = fakeServer(4);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.write(2));
  roster.applyMessage(server.write(2));
  server.rows.get(2).unread = 1; // the server: read up to seq 1, one left
  roster.applyRead({ conversationId: 102, readSeq: 1 });
  await settle();
  assert.equal(roster.find(2).unread, 1);
  assert.deepEqual(server.calls.at(-1), { call: 'student', id: 2 });
});

test('a clearing read reduces the loaded rows when the row now sorts after them (its page brings it back)', async () => {
  const server = fakeServer(20);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 2 });
  for (const id of [5, 6, 7]) server.write(id);
  await roster.reload();
  assert.deepEqual(ids(roster), [7, 6]);
  server.rows.get(7).unread = 0;
  roster.applyRead({ conversationId: 107, readSeq: 1 });
  assert.deepEqual(ids(roster), [6]);
  await roster.loadMore();
  assert.deepEqual(ids(roster), [6, 5, 7]);
});

test('a read mark seen before the row is fetched still applies to it', async () => {
  const server = fakeServer(50);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 10 });
  await roster.reload();
  server.hold();
  roster.applyMessage(server.write(42));
  roster.applyRead({ conversationId: 142, readSeq: 1 }); // this admin read it meanwhile (another tab)
  server.release();
  await settle();
  await settle();
  assert.equal(roster.find(42).unread, 0);
});

test('presence changes flip the row in place without moving it', async () => {
  const server = fakeServer(3);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyPresence({ userId: 2, online: true });
  assert.equal(roster.find(2).online, true);
  assert.deepEqual(ids(roster), [1, 2, 3]);
  roster.applyPresence({ userId: 99, online: true });
  assert.equal(roster.students.length, 3);
});

test('refresh fetches every held row again, in requests of at most the server limit', async () => {
  const server = fakeServer(450);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 150 });
  await roster.reload();
  await roster.loadMore();
  await roster.loadMore();
  assert.equal(roster.students.length, 450);
  server.rows.get(300).unread = 4; // missed while disconnected
  server.rows.get(300).lastSeq = 4;
  server.rows.get(300).lastMessageAt = '2024-06-01T00:00:00Z';
  server.rows.get(12).online = true;
  server.calls.length = 0;
  await roster.refresh();
  assert.deepEqual(server.calls.map((c) => [c.offset, c.limit]), [[0, MAX_LIMIT], [200, MAX_LIMIT], [400, 50]]);
  assert.equal(roster.students[0].id, 300);
  assert.equal(roster.find(12).online, true);
  assert.equal(roster.students.length, 450);
});

test('events that arrive during a reload are applied again on its result', async () => {
  const server = fakeServer(5);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  server.hold();
  const reloading = roster.refresh();
  // The list answer may have been computed before this message: the replay counts it on the new rows.
  const rows = server.rows;
  const before = { ...rows.get(3) };
  const m = server.write(3);
  rows.set(3, { ...before }); // what the held answer will say
  roster.applyMessage(m);
  roster.applyPresence({ userId: 5, online: true });
  server.release();
  await reloading;
  assert.equal(roster.find(3).unread, 1);
  assert.equal(roster.students[0].id, 3);
  assert.equal(roster.find(5).online, true);
});

test('a newer filter wins over a slower older answer', async () => {
  const server = fakeServer(6);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  server.hold();
  const first = roster.setFilters({ className: '7B' });
  server.release();
  const second = roster.setFilters({ className: '7A' });
  await Promise.all([first, second]);
  assert.deepEqual(ids(roster), [1, 3, 5]);
  assert.equal(roster.loading, false);
});

test('the open row holds its place when read, and goes to its place when another student is opened', async () => {
  const server = fakeServer(20);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 3 });
  for (const id of [5, 6, 7, 8]) server.write(id);
  await roster.reload();
  assert.deepEqual(ids(roster), [8, 7, 6]);
  roster.select(8);
  server.rows.get(8).unread = 0;
  roster.applyRead({ conversationId: 108, readSeq: 1 });
  assert.deepEqual(ids(roster), [8, 7, 6], 'still where it was clicked');
  assert.equal(roster.find(8).unread, 0);
  // Its real place (after the unread rows 7, 6, 5) is not loaded: the next page starts after 7, 6.
  await roster.loadMore();
  assert.deepEqual(server.calls.at(-1), { call: 'list', limit: 3, offset: 2 });
  assert.deepEqual(ids(roster), [8, 7, 6, 5, 1]); // the page [5, 8, 1] held 8 already
  roster.select(7);
  assert.deepEqual(ids(roster), [7, 6, 5, 8, 1]);
});

test('the open row does not leave the list when its new place is past the loaded rows', async () => {
  const server = fakeServer(20);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 2 });
  for (const id of [5, 6, 7]) server.write(id);
  await roster.reload();
  roster.select(7);
  roster.applyMessage(server.write(7, { from: 'admin', senderId: ME })); // replying clears it: place is 3rd
  assert.deepEqual(ids(roster), [7, 6]);
  await roster.loadMore();
  assert.deepEqual(server.calls.at(-1), { call: 'list', limit: 2, offset: 1 });
  assert.deepEqual(ids(roster), [7, 6, 5]);
  roster.select(null);
  // Last in place: it may as well be on the next page, so it leaves until that page loads.
  assert.deepEqual(ids(roster), [6, 5]);
  await roster.loadMore();
  assert.deepEqual(ids(roster), [6, 5, 7, 1]);
});

test('a read mark that overtakes the message it covers (another node, another tab) still wins', async () => {
  const server = fakeServer(3);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  const m = server.write(2);
  roster.applyRead({ conversationId: 102, readSeq: 1 });
  roster.applyMessage(m);
  assert.equal(roster.find(2).unread, 0);
  roster.applyMessage(server.write(2));
  assert.equal(roster.find(2).unread, 1);
});

test('a staff message for a row not held asks nothing while every loaded row is unread (its place is past them)', async () => {
  const server = fakeServer(50);
  const roster = new StudentRoster({ api: server.api, myId: ME, pageSize: 2 });
  for (const id of [5, 6, 7]) server.write(id);
  await roster.reload();
  assert.deepEqual(ids(roster), [7, 6]);
  roster.applyMessage(server.write(30, { from: 'admin' }));
  await settle();
  assert.equal(server.calls.length, 1);
  assert.equal(roster.find(30), undefined);
});

// ---- R6.2, R6.3: status entries and the status filter -------------------------------------------------------

test('R6.2 R6.3: a status entry from the student (reopening by writing) never raises unread, but sets the status', async () => {
  const server = fakeServer(3);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.changeStatus(2, 'closed'));
  assert.equal(roster.find(2).conversationStatus, 'closed');
  assert.equal(roster.find(2).unread, 0);
  const reopened = server.changeStatus(2, 'reopened', { by: 2, role: 'student' });
  roster.applyMessage(reopened);
  assert.equal(roster.find(2).unread, 0, 'the entry is not a message to read');
  assert.equal(roster.find(2).conversationStatus, 'active');
  assert.equal(roster.find(2).lastSeq, reopened.seq);
  roster.applyMessage(server.write(2)); // the message that reopened it
  assert.equal(roster.find(2).unread, 1, 'the message itself counts');
  roster.applyMessage(reopened); // a repeated push
  assert.equal(roster.find(2).unread, 1);
  assert.equal(server.calls.length, 1, 'no request per event');
});

test('R6.2: a status entry does not move the row (the order is by messages, as the server\'s)', async () => {
  const server = fakeServer(3);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.write(1, { from: 'admin' }));
  roster.applyMessage(server.write(2, { from: 'admin' }));
  assert.deepEqual(ids(roster), [2, 1, 3]);
  roster.applyMessage(server.changeStatus(1, 'closed'));
  assert.deepEqual(ids(roster), [2, 1, 3]);
  await roster.refresh();
  assert.deepEqual(ids(roster), [2, 1, 3], 'where a reload puts it');
});

test("R6.3: this admin's own close does not clear the row's unread (only sending a message moves the read mark)", async () => {
  const server = fakeServer(3);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.write(3));
  roster.applyMessage(server.changeStatus(3, 'closed', { by: ME }));
  assert.equal(roster.find(3).unread, 1);
  assert.equal(roster.find(3).conversationStatus, 'closed');
});

test('R6.2: the status filter asks the server with ?status= and keeps rows that still match', async () => {
  const server = fakeServer(6);
  server.rows.get(2).conversationStatus = 'closed';
  server.rows.get(4).conversationStatus = 'closed';
  server.rows.get(6).conversationId = null;
  server.rows.get(6).conversationStatus = null;
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.setFilters({ status: 'closed' });
  assert.deepEqual(server.calls.at(-1), { call: 'list', limit: 30, offset: 0, status: 'closed' });
  assert.deepEqual(ids(roster), [2, 4]);
  await roster.setFilters({ status: 'none' });
  assert.deepEqual(ids(roster), [6]);
  await roster.setFilters({ status: 'active' });
  assert.deepEqual(ids(roster), [1, 3, 5]);
  await roster.setFilters({ status: '' });
  assert.equal(roster.students.length, 6);
});

test('R6.2: under "Closed", a reopened row leaves the list and a newly closed one is fetched into it', async () => {
  const server = fakeServer(4);
  server.rows.get(2).conversationStatus = 'closed';
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.setFilters({ status: 'closed' });
  assert.deepEqual(ids(roster), [2]);
  assert.equal(roster.complete, true);
  roster.applyMessage(server.changeStatus(3, 'closed'));
  await settle();
  assert.deepEqual(ids(roster), [2, 3], 'fetched although the list was complete: its status changed');
  roster.applyMessage(server.changeStatus(2, 'reopened'));
  assert.deepEqual(ids(roster), [3]);
  assert.equal(roster.total, 1);
});

test('R6.2: under "Not started", opening a conversation takes the row out', async () => {
  const server = fakeServer(3);
  server.rows.get(3).conversationId = null;
  server.rows.get(3).conversationStatus = null;
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.setFilters({ status: 'none' });
  assert.deepEqual(ids(roster), [3]);
  roster.applyConversation({ id: 103, studentId: 3, status: 'active', lastSeq: 0, lastMessageAt: null });
  assert.deepEqual(ids(roster), []);
});

test('R6.2: an older copy of the conversation does not undo a newer status from an event', async () => {
  const server = fakeServer(2);
  const roster = new StudentRoster({ api: server.api, myId: ME });
  await roster.reload();
  roster.applyMessage(server.write(1, { from: 'admin' }));
  roster.applyMessage(server.changeStatus(1, 'closed'));
  roster.applyConversation({ id: 101, studentId: 1, status: 'active', lastSeq: 1, lastMessageAt: null });
  assert.equal(roster.find(1).conversationStatus, 'closed');
  roster.applyConversation({ id: 101, studentId: 1, status: 'active', lastSeq: 3, lastMessageAt: null });
  assert.equal(roster.find(1).conversationStatus, 'active');
});

test('R6.2: matchesFilters follows the server\'s status filter', () => {
  const active = { conversationId: 1, conversationStatus: 'active', name: 'A', email: '', rollId: '' };
  const closed = { conversationId: 2, conversationStatus: 'closed', name: 'B', email: '', rollId: '' };
  const none = { conversationId: null, conversationStatus: null, name: 'C', email: '', rollId: '' };
  const match = (status) => [active, closed, none].filter((s) => matchesFilters(s, { status })).map((s) => s.name);
  assert.deepEqual(match(''), ['A', 'B', 'C']);
  assert.deepEqual(match('active'), ['A']);
  assert.deepEqual(match('closed'), ['B']);
  assert.deepEqual(match('none'), ['C']);
});
