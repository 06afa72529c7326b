import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Receipts, messageStatus, joinNames } from '../../../webroot/lib/receipts.js';

const ADA = { id: 1, role: 'admin' };
const GRACE = { id: 2, role: 'admin' };
const SAM = { id: 11, role: 'student' };

const adminMessage = (seq, senderId = ADA.id) => ({ id: seq, seq, conversationId: 5, senderId, senderRole: 'admin', body: 'hi' });
const studentMessage = (seq) => ({ id: seq, seq, conversationId: 5, senderId: SAM.id, senderRole: 'student', body: 'hello' });
const receipt = (user, name, deliveredSeq, readSeq) => ({ userId: user.id, name, role: user.role, deliveredSeq, readSeq });
const state = (message, receipts, viewer) => messageStatus(message, receipts, viewer)?.state ?? null;

test("an admin's message goes sent, delivered, read by the student's marks only", () => {
  const receipts = new Receipts([receipt(ADA, 'Ada Admin', 9, 9), receipt(GRACE, 'Grace Admin', 9, 9)]);
  assert.equal(state(adminMessage(3), receipts, ADA), 'sent', "the admins' own marks do not count");
  receipts.merge([receipt(SAM, 'Sam Student', 3, 0)]);
  assert.equal(state(adminMessage(3), receipts, ADA), 'delivered');
  assert.equal(state(adminMessage(4), receipts, ADA), 'sent', 'a later message is not covered');
  receipts.merge([receipt(SAM, 'Sam Student', 3, 4)]);
  assert.deepEqual(messageStatus(adminMessage(3), receipts, ADA), { state: 'read', readers: ['Sam Student'], text: 'Read' });
  assert.equal(state(adminMessage(4), receipts, ADA), 'read', 'read implies delivered');
  assert.equal(state(adminMessage(4, GRACE.id), receipts, ADA), 'read', "another admin's message shows the student's marks too");
});

test("a student's message is read once any admin read it; admins see which, the student sees 'Read'", () => {
  const receipts = new Receipts([receipt(SAM, 'Sam Student', 7, 7)]);
  assert.equal(state(studentMessage(7), receipts, SAM), 'sent', "the student's own marks do not count");
  assert.equal(messageStatus(studentMessage(7), receipts, ADA), null, 'nothing to show admins before an admin read it');
  receipts.merge([receipt(GRACE, 'Grace Admin', 7, 0)]);
  assert.equal(state(studentMessage(7), receipts, SAM), 'delivered');
  receipts.merge([receipt(GRACE, 'Grace Admin', 7, 7), receipt(ADA, 'Ada Admin', 7, 7)]);
  assert.deepEqual(messageStatus(studentMessage(7), receipts, SAM), { state: 'read', readers: ['Ada Admin', 'Grace Admin'], text: 'Read' });
  assert.deepEqual(messageStatus(studentMessage(7), receipts, ADA), {
    state: 'read',
    readers: ['Ada Admin', 'Grace Admin'],
    text: 'Read by Ada Admin and Grace Admin',
  });
  assert.equal(messageStatus(adminMessage(6), receipts, SAM), null, 'a student sees no status on staff messages');
});

test('pending messages say sending, failed ones not sent', () => {
  const pending = { clientMsgId: 'x', senderId: ADA.id, senderRole: 'admin', pending: true, failed: false };
  assert.equal(state(pending, [], ADA), 'sending');
  assert.equal(messageStatus(pending, [], ADA).text, 'sending…');
  assert.equal(state({ ...pending, failed: true }, [], ADA), 'failed');
});

test('marks only move forward, whatever order events and fetches arrive in', () => {
  const receipts = new Receipts();
  assert.equal(receipts.merge([receipt(SAM, 'Sam Student', 5, 4)]), true);
  assert.equal(receipts.merge([receipt(SAM, 'Sam Student', 3, 2)]), false, 'an older snapshot changes nothing');
  assert.equal(receipts.merge([receipt(SAM, 'Sam Student', 5, 4)]), false, 'a repeated event changes nothing');
  assert.equal(receipts.merge([receipt(SAM, 'Sam Student', 5, 6)]), true);
  assert.deepEqual(receipts.list, [{ userId: SAM.id, name: 'Sam Student', role: 'student', deliveredSeq: 6, readSeq: 6 }], 'read implies delivered');
  assert.equal(receipts.merge([null, { name: 'no id' }]), false);
  assert.equal(state(adminMessage(6), receipts.list, ADA), 'read', 'a plain array works too');
});

test('names are joined in words', () => {
  assert.equal(joinNames([]), '');
  assert.equal(joinNames(['Ada']), 'Ada');
  assert.equal(joinNames(['Ada', 'Grace']), 'Ada and Grace');
  assert.equal(joinNames(['Ada', 'Grace', 'Hedy']), 'Ada, Grace and Hedy');
});

test('R6.2: status entries get no ticks, whoever looks', () => {
  const receipts = new Receipts([receipt(SAM, 'Sam Student', 9, 9), receipt(ADA, 'Ada Admin', 9, 9)]);
  const closed = { ...adminMessage(3), kind: 'closed', body: null, note: 'done' };
  const reopened = { ...studentMessage(4), kind: 'reopened', body: null };
  for (const viewer of [ADA, GRACE, SAM]) {
    assert.equal(messageStatus(closed, receipts, viewer), null);
    assert.equal(messageStatus(reopened, receipts, viewer), null);
  }
  assert.equal(state({ ...adminMessage(3), kind: 'message' }, receipts, ADA), 'read', 'a message of the same seq has them');
});
