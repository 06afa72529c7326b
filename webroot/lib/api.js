/**
 * The REST API (docs/API.md) as plain async functions.
 *
 * Every call sends and expects JSON with the session cookie (`credentials: 'same-origin'`); a
 * non-2xx answer throws an {@link ApiError} carrying `status`, `code` and the server's `message`
 * from its `{"error": {code, message}}` body.
 */


import { codeForStatus } from './error-codes.js';

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {{status: number, code: string, retryAfter?: number|null}} details
   */
  constructor(message, { status, code, retryAfter = null }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    /** Seconds to wait, from a `Retry-After` header (429), or null. */
    this.retryAfter = retryAfter;
  }
}

let unauthorizedListener = null;

/**
 * Registers the function called when an API call answers 401 (the session ended), except for the
 * calls that expect it (`login`, `me`).
 */
export function onUnauthorized(listener) {
  unauthorizedListener = listener;
}

/**
 * Calls the API with a JSON `body` or a `file` (a Blob sent as it is). `query` values that are null, undefined or ''
 * are left out. A refusal's `details` (when the server gives any) are on the thrown error.
 * @returns {Promise<any>} the parsed JSON body, or null for 204
 */
export async function call(method, path, { body, file, query, signal, expectUnauthorized = false } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' }, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (file !== undefined) {
    // A file as it is (a roster CSV): the server reads its bytes, whatever the browser calls its type.
    init.headers['Content-Type'] = 'text/csv';
    init.body = file;
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError('Cannot reach the server. Check your connection and try again.', { status: 0, code: 'network' });
  }

  const text = response.status === 204 ? '' : await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = data && typeof data.error === 'object' ? data.error : {};
    const error = new ApiError(detail.message || `The server answered ${response.status}`, {
      status: response.status,
      code: detail.code || codeForStatus(response.status) || 'error',
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    });
    // What the caller needs to act on it, when the server says (a roster file's columns and invalid rows).
    error.details = detail.details ?? null;
    // A 429's wait to the millisecond (the header rounds up to whole seconds).
    error.retryAfterMs = Number.isFinite(detail.retryAfter) ? detail.retryAfter : null;
    // How often the refused budget gets a token back (ms): the pace that is not refused again.
    error.tokenEveryMs = Number.isFinite(detail.tokenEvery) && detail.tokenEvery > 0 ? detail.tokenEvery : null;
    if (response.status === 401 && !expectUnauthorized && unauthorizedListener) unauthorizedListener(error);
    throw error;
  }
  return data;
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** @returns {Promise<object>} the signed-in user */
export async function login(email, password) {
  const data = await call('POST', '/api/login', { body: { email, password }, expectUnauthorized: true });
  return data.user;
}

export async function logout() {
  await call('POST', '/api/logout', { expectUnauthorized: true });
}

/** @returns {Promise<object|null>} the signed-in user, or null when there is no session */
export async function me() {
  // /api/session answers 200 with {user: null} when signed out, so a signed-out load logs no error.
  const data = await call('GET', '/api/session', { expectUnauthorized: true });
  return data.user ?? null;
}

/**
 * `status`: `active`, `closed` or `none` (no conversation yet), or empty for any (R6.2); `assigned`: `mine`, `none`
 * (unassigned) or empty for all (issue 27).
 * @returns {Promise<{students: object[], total: number, withUnread: number}>}
 */
export function listStudents({ q, className, status, assigned, limit, offset } = {}, { signal } = {}) {
  return call('GET', '/api/students', { query: { q, className, status, assigned, limit, offset }, signal });
}

/** One row of the student list, as this admin sees it. @returns {Promise<object>} the Student */
export async function getStudent(studentId, { signal } = {}) {
  const data = await call('GET', `/api/students/${encodeURIComponent(studentId)}`, { signal });
  return data.student;
}

/** @returns {Promise<string[]>} */
export async function listClasses() {
  const data = await call('GET', '/api/classes');
  return data.classes ?? [];
}

/** Opens (creating when needed) a student's conversation. @returns {Promise<{conversation, created}>} */
export function openConversation(studentId) {
  return call('POST', `/api/students/${encodeURIComponent(studentId)}/conversation`);
}

/** @returns {Promise<object|null>} the signed-in student's conversation */
export async function myConversation() {
  const data = await call('GET', '/api/me/conversation');
  return data.conversation ?? null;
}

/**
 * @returns {Promise<{conversation, student, receipts, statusEvent}>} (`receipts`: every participant's marks;
 *   `statusEvent`: the latest "closed"/"reopened" entry or null, R6.2)
 */
export function getConversation(conversationId) {
  return call('GET', `/api/conversations/${encodeURIComponent(conversationId)}`);
}

/**
 * A page of messages: `before`/`after` give `{messages, hasMore}`; `around` (R6.4) gives the entry at that seq
 * with its neighbours, `{messages, hasOlder, hasNewer}`.
 */
export function listMessages(conversationId, { before, after, around, limit } = {}) {
  return call('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
    query: { before, after, around, limit },
  });
}

/** Closes a conversation, with an optional note (R6.3). @returns {Promise<{conversation, event}>} */
export function closeConversation(conversationId, note) {
  return call('POST', `/api/conversations/${encodeURIComponent(conversationId)}/close`, {
    body: note ? { note } : {},
  });
}

/** Reopens a closed conversation (R6.3). @returns {Promise<{conversation, event}>} */
export function reopenConversation(conversationId) {
  return call('POST', `/api/conversations/${encodeURIComponent(conversationId)}/reopen`, { body: {} });
}

/**
 * Searches messages (R6.4): `query` as built by lib/search.js (`q`, filters, `sort`, `limit`, `cursor`).
 * @returns {Promise<{results: object[], nextCursor: string|null, students: object[]}>}
 */
export function searchMessages(query, { signal } = {}) {
  return call('GET', '/api/search', { query, signal });
}

/** Marks the caller's messages up to `seq` read. @returns {Promise<{conversationId, readSeq, unread}>} */
export function markRead(conversationId, seq) {
  return call('POST', `/api/conversations/${encodeURIComponent(conversationId)}/read`, { body: { seq } });
}

/**
 * Acknowledges that the caller's clients have the messages up to `seq` (forward only).
 * @returns {Promise<{conversationId, deliveredSeq, readSeq}>}
 */
export function markDelivered(conversationId, seq) {
  return call('POST', `/api/conversations/${encodeURIComponent(conversationId)}/delivered`, { body: { seq } });
}

/**
 * Idempotent on `clientMsgId`. @returns {Promise<{message, duplicate, reopened}>} (`reopened`: the "reopened"
 * entry stored just before the message when it reopened a closed conversation, R6.3; else null)
 */
export function sendMessage(conversationId, { clientMsgId, body, needsAck = false, attachmentId = null }) {
  const request = { clientMsgId, body };
  if (needsAck) request.needsAck = true;
  if (attachmentId != null) request.attachmentId = attachmentId;
  return call('POST', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, { body: request });
}

/** The signed-in student's pending notifications (R5.4). @returns {Promise<object[]>} */
export async function myNotifications() {
  const data = await call('GET', '/api/me/notifications');
  return data.notifications ?? [];
}

/**
 * Dismisses a pending notification up to `seq` (its `latestSeq`; 0 for a conversation with no messages yet).
 * @returns {Promise<object[]>} what is still pending
 */
export async function dismissNotification(conversationId, seq) {
  const data = await call('POST', `/api/me/notifications/${encodeURIComponent(conversationId)}/dismiss`, {
    body: { seq },
  });
  return data.notifications ?? [];
}

// ---- People (issue 25) --------------------------------------------------------------------------------------------

/** A page of the People table: `{people, total}`; filters `q`, `role`, `status`, `className`. */
export function listPeople({ q, role, status, className, limit, offset } = {}, { signal } = {}) {
  return call('GET', '/api/people', { query: { q, role, status, className, limit, offset }, signal });
}

/** Adds a student (`role: 'student'`) or invites staff (`'admin'`): `{person, link: {path, purpose, expiresAt}}`. */
export function createPerson(fields) {
  return call('POST', '/api/people', { body: fields });
}

/** Changes the fields given (name, email, rollId, className): `{person}`. */
export function updatePerson(id, fields) {
  return call('PATCH', `/api/people/${encodeURIComponent(id)}`, { body: fields });
}

/** Disables (`true`) or re-enables a person's account: `{person: {id, role, disabled, disabledAt}}`. */
export function setPersonDisabled(id, disabled) {
  return call('POST', `/api/people/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`);
}

/**
 * A new one-time sign-up (or, once they have a password, reset) link: `{link: {path, purpose, expiresAt}}`; with
 * `sendEmail` it is also emailed to them (`emailed`, or `emailError` when the mail server refused).
 */
export function issuePersonLink(id, { sendEmail = false } = {}) {
  return call('POST', `/api/people/${encodeURIComponent(id)}/link`, sendEmail ? { body: { sendEmail } } : {});
}

/**
 * Sign-in slips for a class (issuing each student a new one-time link): `{origin, className, slips: [{id, name,
 * rollId, className, purpose, url, expiresAt, qr: {size, path}}]}`.
 */
export function makeSlips(className, { includeActive = false } = {}) {
  return call('POST', '/api/people/slips', { body: { className, includeActive } });
}

/** What a sign-up or reset link is for: `{link: {purpose, name, email, role, expiresAt}}`; no session needed. */
export function signupLink(token) {
  return call('GET', `/api/signup/${encodeURIComponent(token)}`, { expectUnauthorized: true });
}

/** Sets the password through a link and signs in: the user. */
export async function setPasswordWithLink(token, password) {
  const { user } = await call('POST', `/api/signup/${encodeURIComponent(token)}`, { body: { password }, expectUnauthorized: true });
  return user;
}

/** Changes the signed-in user's own password; their other sessions end, this one continues. */
export function changePassword(currentPassword, newPassword) {
  return call('POST', '/api/me/password', { body: { currentPassword, newPassword } });
}

/**
 * Previews (`dryRun: true`) or applies a roster file: the report `{rows, create, update, unchanged, disable, invalid,
 * invalidRows, creates, updates, disables, file: {separator, columns, mapping}, applied}`. `columns` maps a field
 * (name, firstName, lastName, email, rollId, className) to a column, by header or number from 1.
 */
export function importRoster(file, { dryRun = true, disableMissing = false, columns = {} } = {}) {
  return call('POST', '/api/people/import', { file, query: { dryRun, disableMissing, ...columns } });
}

/** The integration API's tokens: `[{id, name, scopes, createdAt, createdBy, lastUsedAt, revokedAt}]`, newest first. */
export async function listApiTokens() {
  return (await call('GET', '/api/tokens')).tokens ?? [];
}

/** A new token: `{token, secret}`; the secret is shown this once. */
export function createApiToken(name, scopes) {
  return call('POST', '/api/tokens', { body: { name, scopes } });
}

export function revokeApiToken(id) {
  return call('POST', `/api/tokens/${encodeURIComponent(id)}/revoke`);
}

/** Sign-in with the school's account (issue 26): `{providers: [{id, name, endSessionUrl?}], passwordSignIn: [roles]}`. */
export function ssoProviders() {
  return call('GET', '/api/sso/providers', { expectUnauthorized: true });
}

// ---- the team inbox (issue 27): staff only ----------------------------------------------------------------------------

/** Who the conversation is assigned to and its staff-only entries, newest first. @returns {Promise<{assignee, entries, hasMore}>} */
export function conversationTeam(conversationId, { before } = {}) {
  return call('GET', `/api/conversations/${encodeURIComponent(conversationId)}/team`, { query: { before } });
}

/** A private note, idempotent on `clientId`. @returns {Promise<{entry, duplicate}>} */
export function addNote(conversationId, { clientId, body }) {
  return call('POST', `/api/conversations/${encodeURIComponent(conversationId)}/notes`, { body: { clientId, body } });
}

/** Assigns the conversation to a staff member, or unassigns it (`assigneeId` null). @returns {Promise<{assignee, entry}>} */
export function assignConversation(conversationId, assigneeId) {
  return call('PUT', `/api/conversations/${encodeURIComponent(conversationId)}/assignee`, { body: { assigneeId } });
}

/** @returns {Promise<object[]>} the saved replies, by title */
export async function listSavedReplies() {
  const data = await call('GET', '/api/saved-replies');
  return data.savedReplies ?? [];
}

export function createSavedReply({ title, body }) {
  return call('POST', '/api/saved-replies', { body: { title, body } });
}

export function updateSavedReply(id, { title, body }) {
  return call('PUT', `/api/saved-replies/${encodeURIComponent(id)}`, { body: { title, body } });
}

export function deleteSavedReply(id) {
  return call('DELETE', `/api/saved-replies/${encodeURIComponent(id)}`);
}

// ---- email digests (issue 31) -------------------------------------------------------------------------------------------

/** The signed-in user's digest choice: `{emailDigests, choice, schoolDefault, digestDelayMinutes, emailConfigured}`. */
export function myPreferences() {
  return call('GET', '/api/me/preferences');
}

/** `emailDigests`: true, false, or null to follow the school's default. */
export function setPreferences({ emailDigests }) {
  return call('PUT', '/api/me/preferences', { body: { emailDigests } });
}

/** Staff: the school's digest settings. */
export function notificationSettings() {
  return call('GET', '/api/settings/notifications');
}

/** `{digestsEnabled, digestDelayMinutes}`, and the quiet hours' fields to change (`quietHoursEnabled`, `quietStart`, …). */
export function setNotificationSettings(settings) {
  return call('PUT', '/api/settings/notifications', { body: settings });
}

// ---- Web Push (issue 31, point 3) ---------------------------------------------------------------------------------------

/** `{available, publicKey, schoolEnabled, subscriptions}`: whether this user can have pushes, and the key to subscribe with. */
export function pushStatus() {
  return call('GET', '/api/push');
}

/** Ties this browser's push subscription (`PushSubscription.toJSON()`) to the signed-in student. */
export function savePushSubscription(subscription) {
  return call('PUT', '/api/me/push-subscription', { body: subscription });
}

/** This browser's subscription no longer gets pushes. */
export function deletePushSubscription(endpoint) {
  return call('DELETE', '/api/me/push-subscription', { body: { endpoint } });
}

/** Issue 28: the newest announcements with their progress. @returns {Promise<{announcements, nextBefore}>} */
export function listAnnouncements({ before } = {}) {
  return call('GET', '/api/announcements', { query: { before } });
}

/** An announcement and where each recipient's copy stands. @returns {Promise<{announcement, recipients}>} */
export function getAnnouncement(id) {
  return call('GET', `/api/announcements/${encodeURIComponent(id)}`);
}

/**
 * Sends an announcement, idempotent on `clientId`: to whole `classes`, to `studentIds`, or to those students of the
 * classes. @returns {Promise<{announcement, duplicate}>}
 */
export function sendAnnouncement({ clientId, body, needsAck = false, classes = [], studentIds = [] }) {
  return call('POST', '/api/announcements', { body: { clientId, body, needsAck, classes, studentIds } });
}

/** Reminds the students behind on an announcement. @returns {Promise<{nudged, announcement}>} */
export function nudgeAnnouncement(id) {
  return call('POST', `/api/announcements/${encodeURIComponent(id)}/nudge`);
}

/** The student's "I have read this". @returns {Promise<{messageId, acknowledgedAt, duplicate}>} */
export function acknowledgeMessage(messageId) {
  return call('POST', `/api/messages/${encodeURIComponent(messageId)}/acknowledgement`);
}

/** Issue 28, point 3: the largest file the server takes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * Uploads a file to a conversation (issue 28, point 3), reporting progress: XMLHttpRequest, since fetch cannot tell
 * how much of a body has gone. `onProgress(sentBytes, totalBytes)`; `abort()` on the returned object cancels it (the
 * server then stores nothing). @returns {{done: Promise<{attachment}>, abort: () => void}}
 */
export function uploadAttachment(conversationId, file, { onProgress } = {}) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `/api/conversations/${encodeURIComponent(conversationId)}/attachments?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data?.attachment) {
        resolve(data);
        return;
      }
      const detail = data && typeof data.error === 'object' ? data.error : {};
      if (xhr.status === 401 && unauthorizedListener) unauthorizedListener(new ApiError('Signed out', { status: 401, code: 'unauthorized' }));
      reject(new ApiError(detail.message || `The server answered ${xhr.status}`, {
        status: xhr.status, code: detail.code || codeForStatus(xhr.status) || 'error',
      }));
    };
    xhr.onerror = () => reject(new ApiError('Cannot reach the server. Check your connection and try again.', { status: 0, code: 'network' }));
    xhr.onabort = () => reject(Object.assign(new Error('Upload cancelled'), { name: 'AbortError' }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
