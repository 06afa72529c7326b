/**
 * Web Push in this browser (issue 31, point 3): a student who turned notifications on is pushed a staff message while
 * no Homeroom tab of theirs is open. The service worker (`/sw.js`) shows it; this module registers the worker,
 * subscribes with the server's key and tells the server (tied to this session: signing out ends it).
 * Everything here is best effort and guarded: where the browser has no service workers or no push, nothing happens.
 */
import * as api from './api.js';

const WORKER = '/sw.js';

/** Who turned pushes on in this browser (a shared computer's next student is not pushed to without asking). */
const chosenKey = (userId) => `homeroom.push.${userId}`;

function remember(userId, on) {
  try {
    if (on) localStorage.setItem(chosenKey(userId), 'on');
    else localStorage.removeItem(chosenKey(userId));
  } catch {
    // storage refused: the choice lasts this page only
  }
}

function chosen(userId) {
  try {
    return localStorage.getItem(chosenKey(userId)) === 'on';
  } catch {
    return false;
  }
}

/** Whether this browser can be pushed to at all. */
export function pushSupported() {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof globalThis.PushManager === 'function'
    && globalThis.isSecureContext !== false;
}

/** The VAPID key as the bytes `subscribe` takes. */
export function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(padded);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Whether a subscription was made with `key` (a new server key means subscribing again). */
export function sameKey(subscription, key) {
  const had = subscription?.options?.applicationServerKey;
  if (!had) return true; // the browser does not say: trust it
  const a = new Uint8Array(had);
  const b = keyBytes(key);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function registration() {
  const existing = await navigator.serviceWorker.getRegistration('/');
  if (existing) return existing;
  await navigator.serviceWorker.register(WORKER, { scope: '/' });
  return navigator.serviceWorker.ready;
}

/**
 * Turns pushes on for this browser (after notification permission was granted). Answers `'on'`, or why not:
 * `'unsupported'`, `'unavailable'` (off on the server or for the school), `'denied'` (no permission), or `'failed'`
 * (the browser's push service refused; `error` says why).
 * @returns {Promise<{state: string, error?: string}>}
 */
export async function enablePush(userId) {
  if (!pushSupported()) return { state: 'unsupported' };
  if (globalThis.Notification?.permission !== 'granted') return { state: 'denied' };
  const status = await api.pushStatus();
  if (!status.available || !status.publicKey) return { state: 'unavailable' };
  try {
    const reg = await registration();
    let subscription = await reg.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, status.publicKey)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(status.publicKey) });
    await api.savePushSubscription(subscription.toJSON());
    remember(userId, true);
    return { state: 'on' };
  } catch (error) {
    console.warn('[push] cannot subscribe this browser', error);
    return { state: 'failed', error: error?.message ?? String(error) };
  }
}

/** Whether this browser has a subscription now. */
export async function pushEnabledHere() {
  if (!pushSupported()) return false;
  const reg = await navigator.serviceWorker.getRegistration('/');
  return Boolean(await reg?.pushManager.getSubscription());
}

/** Stops pushes to this browser: the server forgets it, the browser unsubscribes (also at sign-out). */
export async function disablePush(userId, { signingOut = false } = {}) {
  if (!signingOut) remember(userId, false);
  if (!pushSupported()) return;
  const reg = await navigator.serviceWorker.getRegistration('/');
  const subscription = await reg?.pushManager.getSubscription();
  if (!subscription) return;
  try {
    await api.deletePushSubscription(subscription.endpoint);
  } finally {
    await subscription.unsubscribe();
  }
}

/**
 * At sign-in: when this student turned pushes on in this browser, the subscription is tied to this session again (the
 * last one's ended with it).
 */
export async function resumePush(userId) {
  if (!chosen(userId)) return { state: 'off' };
  if (!pushSupported() || globalThis.Notification?.permission !== 'granted') return { state: 'denied' };
  return enablePush(userId);
}
