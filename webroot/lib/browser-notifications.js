/**
 * The browser's Notification API (R5.2), guarded: nothing happens where it is missing or not granted, and
 * permission is only ever asked for from a click (`request()`), never on page load.
 */

function api() {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : null;
}

/** 'granted', 'denied', 'default', or 'unsupported'. */
export function notificationPermission() {
  const N = api();
  return N ? N.permission : 'unsupported';
}

/** Asks for permission (call from a user gesture). @returns {Promise<string>} the permission now */
export async function requestNotificationPermission() {
  const N = api();
  if (!N) return 'unsupported';
  try {
    const answer = N.requestPermission();
    return (await answer) ?? N.permission;
  } catch {
    return N.permission;
  }
}

/**
 * Shows a notification when permission is granted; `tag` makes a newer one replace the older (one per
 * conversation on screen). Clicking it focuses the window and calls `onClick`.
 * @returns {Notification|null}
 */
export function showBrowserNotification({ title, body = '', tag, onClick }) {
  const N = api();
  if (!N || N.permission !== 'granted') return null;
  try {
    const notification = new N(title, { body, tag, icon: '/favicon.svg' });
    notification.onclick = (event) => {
      event?.preventDefault?.();
      try {
        window.focus();
      } catch {
        // some browsers refuse; the click still opens the chat
      }
      notification.close?.();
      onClick?.();
    };
    return notification;
  } catch (error) {
    console.warn('[notifications] cannot show a notification', error);
    return null;
  }
}
