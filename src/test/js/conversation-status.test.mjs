import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isStatusEntry, isChatMessage, statusLabel, describeStatusEntry, statusEntryText, latestStatusEntry, closedBanner,
  announceStatusEntry, MAX_NOTE_LENGTH,
} from '../../../webroot/lib/conversation-status.js';

const zone = { timeZone: 'Europe/Paris', locale: 'en-GB' };
const closed = { id: 7, seq: 7, kind: 'closed', senderId: 1, senderName: 'Ada Admin', senderRole: 'admin', body: null, note: '  Sorted, thanks ', createdAt: '2024-03-12T13:02:00Z' };
const reopened = { id: 9, seq: 9, kind: 'reopened', senderId: 11, senderName: 'Sam Student', senderRole: 'student', body: null, note: null, createdAt: '2024-03-12T13:05:00Z' };
const message = { id: 8, seq: 8, kind: 'message', senderId: 11, senderName: 'Sam Student', body: 'hi', createdAt: '2024-03-12T13:04:00Z' };

test('R6.2: status entries are told apart from messages (no kind: a message)', () => {
  assert.equal(isStatusEntry(closed), true);
  assert.equal(isStatusEntry(reopened), true);
  assert.equal(isStatusEntry(message), false);
  assert.equal(isChatMessage(message), true);
  assert.equal(isChatMessage({ id: 1, body: 'old server' }), true);
  assert.equal(isChatMessage(closed), false);
  assert.equal(isChatMessage(null), false);
  assert.equal(MAX_NOTE_LENGTH, 500);
});

test('R6.2: the header says Active or Closed', () => {
  assert.equal(statusLabel('active'), 'Active');
  assert.equal(statusLabel('closed'), 'Closed');
  assert.equal(statusLabel(undefined), 'Active');
});

test('R6.3: the timeline line says who, when (local time) and the note', () => {
  assert.deepEqual(describeStatusEntry(closed, zone), { action: 'Closed by Ada Admin', time: '14:02', note: 'Sorted, thanks' });
  assert.equal(statusEntryText(closed, zone), 'Closed by Ada Admin · 14:02 · “Sorted, thanks”');
  assert.equal(statusEntryText(reopened, zone), 'Reopened by Sam Student · 14:05');
  assert.equal(statusEntryText({ ...closed, note: '   ' }, zone), 'Closed by Ada Admin · 14:02');
  assert.equal(statusEntryText({ ...closed, note: null }, { timeZone: 'UTC', locale: 'en-GB' }), 'Closed by Ada Admin · 13:02');
});

test('R6.2: the latest status entry is the newer of statusEvent and the entries held', () => {
  assert.equal(latestStatusEntry(null, []), null);
  assert.equal(latestStatusEntry(closed, [message]), closed);
  assert.equal(latestStatusEntry(closed, [message, reopened]), reopened);
  assert.equal(latestStatusEntry(reopened, [closed, message]), reopened, 'an older entry in the window does not win');
});

test('R6.2: the banner of a closed conversation, for admins and for students', () => {
  assert.equal(closedBanner('active', closed, 'admin', zone), null);
  assert.equal(closedBanner('closed', closed, 'admin', zone), 'Closed by Ada Admin on 12 Mar 2024, 14:02 · “Sorted, thanks”');
  assert.equal(closedBanner('closed', { ...closed, note: null }, 'admin', zone), 'Closed by Ada Admin on 12 Mar 2024, 14:02');
  assert.equal(closedBanner('closed', closed, 'student', zone), 'This conversation was closed by Ada Admin. Writing a message reopens it.');
  assert.equal(closedBanner('closed', null, 'student', zone), 'This conversation was closed. Writing a message reopens it.');
  assert.equal(closedBanner('closed', null, 'admin', zone), 'Closed');
});

test('R6.3: what a screen reader hears when a status entry arrives live', () => {
  assert.equal(announceStatusEntry(closed), 'Ada Admin closed the conversation: “Sorted, thanks”');
  assert.equal(announceStatusEntry(reopened), 'Sam Student reopened the conversation');
});
