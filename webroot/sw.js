/*
 * Homeroom's service worker (issue 31, point 3): shows a push of a staff message while no Homeroom tab is open, and
 * opens the chat when it is clicked. A push carries JSON `{title, body, tag, url, conversationId, seq, count}`
 * (push/PushWorker on the server); its text is shown as text. A newer push replaces the older one (same tag).
 */
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** What to show for a push's data (a malformed push still shows something: browsers require it). */
function describe(data) {
  let push = {};
  try {
    push = data ? data.json() : {};
  } catch {
    push = { body: data ? data.text() : '' };
  }
  const title = typeof push.title === 'string' && push.title ? push.title : 'Homeroom';
  return {
    title,
    options: {
      body: typeof push.body === 'string' ? push.body : 'You have a new message',
      tag: typeof push.tag === 'string' ? push.tag : 'homeroom',
      renotify: true,
      icon: '/favicon.svg',
      badge: '/favicon.svg',
      timestamp: Date.now(),
      data: { url: sameOriginPath(push.url), conversationId: push.conversationId ?? null, seq: push.seq ?? null },
    },
  };
}

/** Only a path of this site is ever opened. */
function sameOriginPath(url) {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : '/student';
}

self.addEventListener('push', (event) => {
  const { title, options } = describe(event.data);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = sameOriginPath(event.notification.data?.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).pathname === url) ?? windows[0];
    if (open) {
      await open.focus();
      if (new URL(open.url).pathname !== url) await open.navigate(url);
      return;
    }
    await self.clients.openWindow(url);
  })());
});
