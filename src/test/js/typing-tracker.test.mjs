import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypingTracker, describeTypists, DEFAULT_EXPIRES_IN_MS } from '../../../webroot/lib/typing-tracker.js';
import { createFakeClock } from './fake-clock.mjs';

const ME = 1;
const SAM = 11;
const GRACE = 2;
const CONVERSATION = 100;

function tracker() {
  const clock = createFakeClock();
  const typing = new TypingTracker({ selfId: ME, clock });
  const changes = [];
  typing.addEventListener('change', (e) => changes.push(e.detail));
  return { clock, typing, changes };
}

const typingEvent = (userId, name, extra = {}) => ({
  conversationId: CONVERSATION, studentId: SAM, userId, name, role: userId === SAM ? 'student' : 'admin', expiresInMs: 6000, ...extra,
});
const names = (typing, conversationId = CONVERSATION) => typing.typists(conversationId).map((t) => t.name);

test('a typist shows until 6 s after their last event, then goes by itself', () => {
  const { clock, typing, changes } = tracker();
  typing.add(typingEvent(SAM, 'Sam Student'));
  assert.deepEqual(names(typing), ['Sam Student']);
  assert.deepEqual(changes, [{ conversationId: CONVERSATION, studentId: SAM }]);

  clock.advance(2000);
  typing.add(typingEvent(SAM, 'Sam Student')); // still typing: the 6 s start again
  assert.equal(changes.length, 1, 'a repeated event changes nothing shown');
  clock.advance(5999);
  assert.deepEqual(names(typing), ['Sam Student'], 'still on: 5.999 s after the last event');
  clock.advance(1);
  assert.deepEqual(names(typing), []);
  assert.equal(changes.length, 2, 'its expiry is announced');
  assert.equal(clock.pending, 0, 'no timer left behind');
});

test('the typist stops at once when their message arrives, and a new event starts again', () => {
  const { clock, typing, changes } = tracker();
  typing.add(typingEvent(SAM, 'Sam Student'));
  typing.clear(CONVERSATION, SAM);
  assert.deepEqual(names(typing), []);
  assert.equal(changes.length, 2);
  typing.clear(CONVERSATION, SAM);
  assert.equal(changes.length, 2, 'clearing someone not typing changes nothing');
  clock.advance(10_000);
  assert.equal(changes.length, 2);
  typing.add(typingEvent(SAM, 'Sam Student'));
  assert.deepEqual(names(typing), ['Sam Student']);
});

test('follows the session events: typing adds, a message from the typist clears, own typing is ignored', () => {
  const { typing } = tracker();
  const events = new EventTarget();
  typing.follow(events);
  events.dispatchEvent(new CustomEvent('typing', { detail: typingEvent(SAM, 'Sam Student') }));
  events.dispatchEvent(new CustomEvent('typing', { detail: typingEvent(ME, 'Ada Admin') }));
  assert.deepEqual(names(typing), ['Sam Student'], 'this user typing in another tab is not shown');
  events.dispatchEvent(new CustomEvent('message-created', { detail: { conversationId: CONVERSATION, senderId: GRACE, seq: 1 } }));
  assert.deepEqual(names(typing), ['Sam Student'], "someone else's message does not stop Sam");
  events.dispatchEvent(new CustomEvent('message-created', { detail: { conversationId: CONVERSATION, senderId: SAM, seq: 2 } }));
  assert.deepEqual(names(typing), []);
  typing.close();
  events.dispatchEvent(new CustomEvent('typing', { detail: typingEvent(SAM, 'Sam Student') }));
  assert.deepEqual(names(typing), [], 'closed: follows nothing more');
});

test('several typists expire one by one, each on their own time, first to start listed first', () => {
  const { clock, typing } = tracker();
  typing.add(typingEvent(SAM, 'Sam Student'));
  clock.advance(1000);
  typing.add(typingEvent(GRACE, 'Grace Admin'));
  assert.deepEqual(names(typing), ['Sam Student', 'Grace Admin']);
  clock.advance(3000);
  typing.add(typingEvent(SAM, 'Sam Student'));
  assert.deepEqual(names(typing), ['Sam Student', 'Grace Admin'], 'order is by who started first');
  clock.advance(3000); // Grace's last event (at 1 s) was 6 s ago
  assert.deepEqual(names(typing), ['Sam Student']);
  clock.advance(3000); // Sam's (at 4 s) was 6 s ago
  assert.deepEqual(names(typing), []);
  assert.equal(clock.pending, 0);
});

test('conversations are apart; expiresInMs from the event is used, 6 s when missing', () => {
  const { clock, typing } = tracker();
  typing.add(typingEvent(SAM, 'Sam Student', { expiresInMs: 3000 }));
  typing.add({ conversationId: 200, studentId: 12, userId: 12, name: 'Olga Other', role: 'student' });
  assert.deepEqual(names(typing, 200), ['Olga Other']);
  assert.deepEqual(names(typing), ['Sam Student']);
  clock.advance(3000);
  assert.deepEqual(names(typing), []);
  assert.deepEqual(names(typing, 200), ['Olga Other']);
  clock.advance(DEFAULT_EXPIRES_IN_MS - 3000);
  assert.deepEqual(names(typing, 200), []);
});

test('malformed events are ignored; close stops the timer', () => {
  const { clock, typing } = tracker();
  assert.equal(typing.add({}), false);
  assert.equal(typing.add({ conversationId: CONVERSATION }), false);
  assert.equal(typing.add(typingEvent(SAM, '')), true);
  assert.deepEqual(names(typing), ['Someone']);
  typing.close();
  assert.equal(clock.pending, 0);
  assert.deepEqual(names(typing), []);
});

test('describeTypists says who, in words', () => {
  const t = (...n) => n.map((name) => ({ name }));
  assert.equal(describeTypists([]), '');
  assert.equal(describeTypists(t('Ada')), 'Ada is typing…');
  assert.equal(describeTypists(t('Ada', 'Grace')), 'Ada and Grace are typing…');
  assert.equal(describeTypists(t('Ada', 'Grace', 'Sam')), 'Ada, Grace and Sam are typing…');
  assert.equal(describeTypists(t('Ada', 'Grace', 'Sam', 'Olga')), 'Ada, Grace and 2 others are typing…');
});

test('R6.2: a status entry from the typist does not end their typing (only a message does)', () => {
  const clock = createFakeClock();
  const events = new EventTarget();
  const typing = new TypingTracker({ selfId: ME, clock }).follow(events);
  typing.add(typingEvent(GRACE, 'Grace Admin'));
  const push = (detail) => events.dispatchEvent(new CustomEvent('message-created', { detail }));
  push({ id: 1, seq: 1, conversationId: CONVERSATION, senderId: GRACE, senderRole: 'admin', kind: 'closed', body: null });
  assert.deepEqual(names(typing), ['Grace Admin']);
  push({ id: 2, seq: 2, conversationId: CONVERSATION, senderId: GRACE, senderRole: 'admin', kind: 'message', body: 'x' });
  assert.deepEqual(names(typing), []);
  typing.close();
});
