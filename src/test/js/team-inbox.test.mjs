import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TeamInbox, interleaveStaffEntries, describeAssignment, describeViewers, fillPlaceholders, matchSavedReplies,
  VIEWING_RENEW_MS,
} from '../../../webroot/lib/team-inbox.js';
import { createFakeClock } from './fake-clock.mjs';

const ADA = { id: 1, name: 'Ada Admin' };
const GRACE = { id: 2, name: 'Grace Admin' };
const m = (seq, extra = {}) => ({ id: seq * 10, seq, kind: 'message', body: `m${seq}`, ...extra });
const note = (id, afterSeq) => ({ id, conversationId: 7, afterSeq, kind: 'note', author: ADA, body: `n${id}` });

test('issue 27.3: staff entries sit after the message they were written after, in the order written', () => {
  const out = interleaveStaffEntries([m(1), m(2), m(3)], [note(5, 2), note(4, 2), note(6, 0), note(7, 3)]);
  assert.deepEqual(out.map((x) => (x.staffEntry ? `n${x.id}` : `m${x.seq}`)), ['n6', 'm1', 'm2', 'n4', 'n5', 'm3', 'n7']);
});

test('issue 27.3: only entries inside the loaded window show; pending messages stay last', () => {
  const messages = [m(5), m(6), { clientMsgId: 'x', pending: true, body: 'p' }];
  const entries = [note(1, 2), note(2, 5), note(3, 6), note(4, 9)];
  const older = interleaveStaffEntries(messages, entries, { hasMoreBefore: true });
  assert.deepEqual(older.map((x) => (x.staffEntry ? `n${x.id}` : x.seq ?? 'p')), [5, 'n2', 6, 'n3', 'n4', 'p']);
  const newer = interleaveStaffEntries(messages, entries, { hasMoreAfter: true });
  assert.deepEqual(newer.map((x) => (x.staffEntry ? `n${x.id}` : x.seq ?? 'p')), ['n1', 5, 'n2', 6, 'p']);
  assert.deepEqual(interleaveStaffEntries([], [note(1, 0)]).map((x) => x.id), [1], 'an empty conversation shows its notes');
  assert.equal(interleaveStaffEntries(messages, []), messages);
});

test('issue 27.1: assignment entries read as sentences, from the viewer', () => {
  const entry = (kind, author, assignee = null) => ({ kind, author, assignee });
  assert.equal(describeAssignment(entry('assigned', ADA, GRACE), GRACE), 'Ada Admin assigned this conversation to you');
  assert.equal(describeAssignment(entry('assigned', ADA, GRACE), ADA), 'You assigned this conversation to Grace Admin');
  assert.equal(describeAssignment(entry('assigned', GRACE, GRACE), ADA), 'Grace Admin took this conversation');
  assert.equal(describeAssignment(entry('unassigned', GRACE), ADA), 'Grace Admin unassigned this conversation');
});

test('issue 27.2: colleagues viewing show until they leave or their signal expires; never oneself', () => {
  const clock = createFakeClock();
  const sent = [];
  const inbox = new TeamInbox({ conversationId: 7, me: ADA, fetchPage: async () => ({}), clock,
    sendViewing: async (state) => sent.push(state) });
  let changes = 0;
  inbox.addEventListener('change', () => { changes += 1; });
  inbox.viewing({ conversationId: 7, userId: 2, name: 'Grace Admin', expiresInMs: 10_000 });
  inbox.viewing({ conversationId: 7, userId: 1, name: 'Ada Admin', expiresInMs: 10_000 });
  inbox.viewing({ conversationId: 8, userId: 3, name: 'Alan Admin', expiresInMs: 10_000 });
  assert.equal(describeViewers(inbox.viewers), 'Grace Admin is viewing');
  clock.advance(9_000);
  inbox.viewing({ conversationId: 7, userId: 3, name: 'Alan Admin', expiresInMs: 10_000 });
  assert.equal(describeViewers(inbox.viewers), 'Alan Admin and Grace Admin are viewing');
  clock.advance(1_500); // Grace's tab died: not renewed
  assert.equal(describeViewers(inbox.viewers), 'Alan Admin is viewing');
  assert.ok(changes >= 3, 'the expiry itself re-renders');
  inbox.viewing({ conversationId: 7, userId: 3, name: 'Alan Admin', expiresInMs: 0 });
  assert.equal(describeViewers(inbox.viewers), '');

  let visible = true;
  inbox.startViewing(() => visible);
  assert.deepEqual(sent, ['viewing']);
  clock.advance(VIEWING_RENEW_MS);
  assert.deepEqual(sent, ['viewing', 'viewing']);
  visible = false;
  clock.advance(VIEWING_RENEW_MS);
  assert.deepEqual(sent, ['viewing', 'viewing'], 'a hidden page does not say it is viewing');
  inbox.stop();
  assert.deepEqual(sent, ['viewing', 'viewing', 'left']);
  clock.advance(VIEWING_RENEW_MS * 3);
  assert.equal(sent.length, 3, 'nothing after leaving');
  assert.equal(clock.pending, 0);
});

test('issue 27.1: the assignee follows assignment entries, not notes; entries are kept once', async () => {
  const inbox = new TeamInbox({ conversationId: 7, me: ADA, fetchPage: async () => ({
    assignee: GRACE, entries: [note(2, 1)], hasMore: false }) });
  await inbox.load();
  assert.deepEqual(inbox.assignee, GRACE);
  inbox.receive(note(2, 1), null);
  inbox.receive(note(3, 1), null);
  assert.deepEqual(inbox.assignee, GRACE, 'a note does not unassign');
  assert.deepEqual(inbox.entries.map((e) => e.id), [2, 3]);
  inbox.receive({ id: 4, conversationId: 7, afterSeq: 1, kind: 'unassigned', author: ADA }, null);
  assert.equal(inbox.assignee, null);
  inbox.receive({ id: 5, conversationId: 99, afterSeq: 1, kind: 'assigned', author: ADA, assignee: ADA }, ADA);
  assert.equal(inbox.assignee, null, 'another conversation’s entry is ignored');
});

test('issue 27.4: placeholders are filled for the student; unknown ones stay for the admin to see', () => {
  const student = { name: 'Sam  Student', className: '7A', rollId: 'R-001' };
  assert.equal(fillPlaceholders('Hi {student.first_name} ({student.class}, {student.roll_id}) – {me.name} {x.y}', { student, me: ADA }),
    'Hi Sam (7A, R-001) – Ada Admin {x.y}');
  assert.equal(fillPlaceholders('Hi {student.first_name}', {}), 'Hi {student.first_name}', 'nothing known: left as written');
});

test('issue 27.4: saved replies filter by every word typed, title matches first', () => {
  const replies = [
    { title: 'Trip form', body: 'Please bring the form' },
    { title: 'Absence', body: 'We noticed a trip was missed' },
    { title: 'Timetable', body: 'New timetable' },
  ];
  assert.deepEqual(matchSavedReplies(replies, 'trip').map((r) => r.title), ['Trip form', 'Absence']);
  assert.deepEqual(matchSavedReplies(replies, 'TRIP form').map((r) => r.title), ['Trip form']);
  assert.deepEqual(matchSavedReplies(replies, '').map((r) => r.title), ['Absence', 'Timetable', 'Trip form']);
  assert.deepEqual(matchSavedReplies(replies, 'zebra'), []);
});

test('issue 27.1: a student message notifies at once when unassigned or mine; a colleague gets it first', async () => {
  const { AssigneeFirst, ASSIGNEE_FIRST_MS } = await import('../../../webroot/lib/team-inbox.js');
  const clock = createFakeClock();
  const told = [];
  const first = new AssigneeFirst({ me: ADA, clock, emit: (item) => told.push(item) });
  first.message({ conversationId: 1, seq: 3, assigneeId: null, item: 'unassigned' });
  first.message({ conversationId: 2, seq: 3, assigneeId: ADA.id, item: 'mine' });
  assert.deepEqual(told, ['unassigned', 'mine']);
  first.message({ conversationId: 3, seq: 4, assigneeId: GRACE.id, item: 'grace-1' });
  first.message({ conversationId: 3, seq: 5, assigneeId: GRACE.id, item: 'grace-2' });
  first.message({ conversationId: 4, seq: 9, assigneeId: GRACE.id, item: 'read-in-time' });
  clock.advance(ASSIGNEE_FIRST_MS - 1);
  assert.deepEqual(told, ['unassigned', 'mine'], 'Grace has the time to answer first');
  first.receipt({ conversationId: 4, role: 'student', readSeq: 9 });
  first.receipt({ conversationId: 3, role: 'admin', readSeq: 4 }); // not up to the newest: still waiting
  first.receipt({ conversationId: 4, role: 'admin', readSeq: 9 });
  clock.advance(1);
  assert.deepEqual(told, ['unassigned', 'mine', 'grace-1', 'grace-2'], 'unread after the wait: the others are told');
  first.message({ conversationId: 5, seq: 1, assigneeId: GRACE.id, item: 'stopped' });
  first.stop();
  clock.advance(ASSIGNEE_FIRST_MS);
  assert.equal(told.length, 4);
  assert.equal(clock.pending, 0);
});
