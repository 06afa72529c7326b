import { LitElement, html, css } from 'lit';
import * as api from '../lib/api.js';
import { BusClient } from '../lib/bus-client.js';
import { ChatEvents } from '../lib/chat-events.js';
import { ChatService } from '../lib/chat-service.js';
import { HttpPoller } from '../lib/http-poller.js';
import { Outbox, sendUnclaimed } from '../lib/outbox.js';
import { Attention } from '../lib/attention.js';
import { TypingTracker } from '../lib/typing-tracker.js';
import { TypingSignal } from '../lib/typing-signal.js';
import { Acknowledgements } from '../lib/acknowledgements.js';
import { notificationPermission, requestNotificationPermission } from '../lib/browser-notifications.js';
import { enablePush, disablePush, resumePush } from '../lib/web-push.js';
import { baseStyles, buttonStyles, visuallyHidden } from './shared-styles.js';
import './hr-login.js';
import './hr-admin-page.js';
import './hr-student-page.js';
import './hr-connection-status.js';
import './hr-search-panel.js';
import './hr-signup.js';
import './hr-people-page.js';
import './hr-slips-page.js';
import './hr-saved-replies-page.js';
import './hr-announcements-page.js';
import './hr-settings-page.js';
import './hr-password-dialog.js';
import './hr-account-menu.js';
import './hr-confirm-dialog.js';

/**
 * The application root: finds out who is signed in (`GET /api/me`), opens the live connection,
 * and routes by role and path with the History API:
 *
 *   /login                        sign-in form
 *   /admin                        student list and chat (admins)
 *   /admin/students/:studentId    the same, with that student's conversation open (survives reload)
 *   /admin/people                 the People section: students and staff (admins, issue 25)
 *   /admin/announcements          announcements to classes and their progress (admins, issue 28)
 *   /admin/people/slips           sign-in slips for a class, laid out for printing (`?className=`)
 *   /admin/replies                the staff's shared saved replies (issue 27)
 *   /admin/settings               the school's settings: email digests (issue 31)
 *   /student                      the student's own conversation
 *   /signup/:token                a one-time sign-up or password reset link (anyone, signed in or not)
 *
 * `?seq=N` on a conversation's path (`/admin/students/:studentId?seq=N`, `/student?seq=N`) opens it at that
 * entry, a search hit (R6.4), so a reload keeps it; the route's `openAt` is `{seq}`, a new object each time the
 * route is resolved, so opening the same hit again shows it again. The chat's `hr-at-latest` drops it.
 *
 * The top bar holds the message search (R6.4, both roles): a button that looks like a search box, and "/" from
 * anywhere outside a text field, open the search panel (`hr-search-panel`).
 *
 * Children ask for navigation with `hr-navigate` (`detail: {path, replace?}`) events.
 */
export class HrAppElement extends LitElement {
  static properties = {
    /** "Sign out everywhere" is being confirmed (its dialog is on the page). */
    confirmingLogout: { state: true },
    user: { state: true },
    route: { state: true },
    booting: { state: true },
    bootError: { state: true },
    loginNotice: { state: true },
    /** The Notification API's permission ('default' shows the "Turn on notifications" button). */
    notificationPermission: { state: true },
    /** Why a sign-in with the school's account was refused (`?sso=` on /login), for the sign-in page. */
    ssoError: { state: true },
    signedOut: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 0;
      }
      .topbar {
        flex: none;
        display: flex;
        align-items: center;
        gap: var(--hr-space-4);
        height: var(--hr-topbar-height);
        padding: 0 var(--hr-space-4);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        font-weight: 700;
        font-size: 16px;
        color: inherit;
        text-decoration: none;
        border-radius: var(--hr-radius-sm);
      }
      .brand img {
        width: 26px;
        height: 26px;
      }
      .spacer {
        flex: 1;
      }
      /* The search gives way first, down to its icon: its words go when they no longer fit (a container query on
         the button itself), never to a clipped "S". */
      .search-trigger {
        flex: 0 1 320px;
        min-width: 44px;
        container-type: inline-size;
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        min-height: 36px;
        padding: 0 var(--hr-space-3);
        border: 1px solid var(--hr-color-border-strong);
        border-radius: var(--hr-radius);
        background: var(--hr-color-surface-muted);
        color: var(--hr-color-text-muted);
        font: inherit;
        font-size: var(--hr-font-size-sm);
        cursor: text;
        text-align: left;
      }
      .search-trigger:hover {
        border-color: var(--hr-color-primary);
      }
      .search-trigger .label {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      @container (max-width: 190px) {
        .search-trigger kbd {
          display: none;
        }
      }
      @container (max-width: 130px) {
        .search-trigger .label {
          display: none;
        }
        .search-trigger svg {
          margin-inline: auto;
        }
      }
      .search-trigger kbd {
        flex: none;
        padding: 0 6px;
        border: 1px solid var(--hr-color-border-strong);
        border-radius: 4px;
        background: var(--hr-color-surface);
        font: inherit;
        font-size: var(--hr-font-size-xs);
        line-height: 18px;
      }
      /* The pill and its retry control keep their width; the search field and the name give way first. */
      hr-connection-status {
        flex: none;
      }
      /* With a retry control and "Sign out everywhere" beside it, a laptop's top bar is full: the notifications
         button keeps its bell (and its name for screen readers) and drops the words. */
      @media (max-width: 1360px) {
        .roomy-only {
          display: none;
        }
      }
      nav {
        display: flex;
        gap: var(--hr-space-1, 4px);
      }
      nav a {
        padding: 6px var(--hr-space-3);
        border-radius: var(--hr-radius);
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-sm);
        font-weight: 600;
        text-decoration: none;
      }
      /* Five sections (issue 28 added Announcements): on a laptop, tighter tabs leave the search field its words. */
      @media (max-width: 1360px) {
        nav a {
          padding: 6px var(--hr-space-2);
        }
      }
      nav a:hover {
        background: var(--hr-color-surface-muted);
        color: var(--hr-color-text);
      }
      nav a[aria-current='page'] {
        background: var(--hr-color-primary-soft, var(--hr-color-surface-muted));
        color: var(--hr-color-primary);
      }
      main {
        flex: 1;
        min-height: 0;
        overflow: hidden;
        display: flex;
        flex-direction: column;
      }
      main > * {
        flex: 1;
        min-height: 0;
      }
      main.auth {
        overflow: auto;
      }
      .center {
        display: grid;
        place-items: center;
        height: 100%;
        color: var(--hr-color-text-muted);
        text-align: center;
        padding: var(--hr-space-5);
      }
      .icon {
        flex: none;
        vertical-align: -3px;
        margin-inline-end: var(--hr-space-1, 4px);
      }
      @media (max-width: 640px) {
        .icon {
          margin-inline-end: 0;
        }
        .search-trigger {
          flex: none;
          justify-content: center;
          width: 44px;
          padding: 0;
          cursor: pointer;
          background: var(--hr-color-surface);
        }
        .search-trigger .label,
        .search-trigger kbd {
          display: none;
        }
        .wide-only {
          display: none;
        }
        .topbar {
          gap: var(--hr-space-2);
        }
      }
      /* The sections move into the account menu (hr-account-menu's .narrow-only, the same width): a tablet's top bar
         has no room for five sections beside the search, the connection status and the account. */
      @media (max-width: 1024px) {
        nav {
          display: none;
        }
      }
      /* Printing (sign-in slips): the page's content only, on as many sheets as it takes. */
      @media print {
        :host {
          display: block;
          height: auto;
        }
        .topbar {
          display: none;
        }
        main {
          display: block;
          overflow: visible;
        }
      }
      @media (max-width: 480px) {
        /* Room for the connection pill and its retry control (R1.4) beside the other controls. */
        .topbar {
          gap: var(--hr-space-1, 4px);
          padding: 0 var(--hr-space-3);
        }
        /* The logo stays; the name is still the link's text for screen readers. */
        .brand-name {
          ${visuallyHidden}
        }
      }
    `,
  ];

  constructor() {
    super();
    this.user = null;
    this.route = { name: 'loading' };
    this.booting = true;
    this.bootError = '';
    this.loginNotice = '';
    this.confirmingLogout = false;
    this.notificationPermission = notificationPermission();
    /** {user, bus, events, chat, attention, typing, typingSignal, acks, poller, outbox} while signed in. */
    this.session = null;
    /** Where to go after signing in, when a signed-out visit asked for a deeper page. */
    this.afterLogin = null;
    this.ssoError = '';
    this.signedOut = false;
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener('popstate', this.handlePopState);
    window.addEventListener('keydown', this.handleGlobalKeydown);
    this.addEventListener('hr-navigate', this.handleNavigate);
    this.addEventListener('hr-at-latest', this.handleAtLatest);
    this.addEventListener('hr-signed-in', this.handleSignedIn);
    api.onUnauthorized(() => this.endSession('Your session has ended. Please sign in again.'));
    this.boot();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.handlePopState);
    window.removeEventListener('keydown', this.handleGlobalKeydown);
    this.removeEventListener('hr-navigate', this.handleNavigate);
    this.removeEventListener('hr-at-latest', this.handleAtLatest);
    this.removeEventListener('hr-signed-in', this.handleSignedIn);
    this.closeSession();
  }

  async boot() {
    this.booting = true;
    this.bootError = '';
    try {
      const user = await api.me();
      if (user) this.startSession(user);
      this.resolveRoute();
    } catch (error) {
      this.bootError = error.message;
    } finally {
      this.booting = false;
    }
  }

  startSession(user) {
    this.closeSession();
    const bus = new BusClient('/eventbus');
    const events = new ChatEvents(bus, user).start();
    bus.addEventListener('statechange', this.handleBusStateChange);
    bus.addEventListener('buserror', this.handleBusError);
    bus.start();
    const attention = new Attention().start();
    const chat = new ChatService(bus);
    // Registered before any view's listeners: a typist's message ends their typing before views render.
    const typing = new TypingTracker({ selfId: user.id }).follow(events);
    const typingSignal = new TypingSignal({ send: (id) => chat.typing(id), isLive: () => bus.isLive });
    const acks = new Acknowledgements({ chat, events, selfId: user.id }).start();
    // While the bridge is down, views receive by polling the REST API (R1.4); stops once live again.
    const poller = new HttpPoller(bus).start();
    // Messages not stored yet survive a reload (R5.3); the chat view sends them (lib/outbox.js).
    const outbox = new Outbox({ userId: user.id });
    // What waits for conversations no view has open goes when the server is reachable (the open one's view sends its own).
    let flushing = null;
    const flushOutbox = () => {
      if (flushing || this.session?.outbox !== outbox) return;
      flushing = sendUnclaimed({ outbox, send: (id, message) => chat.sendMessage(id, message) })
        .catch((error) => console.warn('[outbox] background send failed', error))
        .finally(() => {
          flushing = null;
        });
    };
    const onPoll = (event) => {
      if (event.detail?.ok) flushOutbox();
    };
    const onState = (event) => {
      if (event.detail.state === 'live') flushOutbox();
    };
    bus.addEventListener('statechange', onState);
    poller.addEventListener('poll', onPoll);
    const stopOutbox = () => {
      bus.removeEventListener('statechange', onState);
      poller.removeEventListener('poll', onPoll);
    };
    this.session = { user, bus, events, chat, attention, typing, typingSignal, acks, poller, outbox, stopOutbox };
    // Web Push (issue 31, point 3): a student who turned it on in this browser has it tied to this session again.
    if (user.role === 'student') resumePush(user.id).catch((error) => console.warn('[push] cannot resume', error));
    this.user = user;
    this.loginNotice = '';
  }

  closeSession() {
    if (!this.session) return;
    const { bus, events, attention, typing, acks, poller, stopOutbox } = this.session;
    this.session = null;
    stopOutbox();
    poller.stop();
    attention.stop();
    typing.close();
    acks.stop();
    bus.removeEventListener('statechange', this.handleBusStateChange);
    bus.removeEventListener('buserror', this.handleBusError);
    events.stop();
    bus.close();
  }

  /**
   * The bridge refuses sockets without a valid session, which looks like an outage from here: when
   * the live channel gives up (offline), ask the REST API whether the session is still there.
   */
  handleBusStateChange = async (event) => {
    if (event.detail.state !== 'offline' || !this.session) return;
    try {
      if ((await api.me()) === null) this.endSession('Your session has ended. Please sign in again.');
    } catch {
      // The server is unreachable: a real outage; the bus keeps retrying.
    }
  };

  handleBusError = (event) => {
    console.warn('[bus] the server refused a frame', event.detail);
  };

  endSession(notice = '') {
    if (!this.session) return;
    // Unsent messages are not left on a shared computer once the session is over (privacy).
    Outbox.clearUser(this.session.user.id);
    this.closeSession();
    this.user = null;
    this.loginNotice = notice;
    this.afterLogin = location.pathname + location.search;
    this.navigate('/login', { replace: true });
  }

  /** Sign out; `everywhere`: every session of this user, on every device (issue 8). */
  /** "Sign out everywhere" ends the sessions of every device at once: asked first (issue 27, point 6). */
  async confirmLogoutEverywhere() {
    // Rendered only while asking: the pages have confirm dialogs of their own, and one at a time is on the page.
    this.confirmingLogout = true;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('hr-confirm-dialog');
    await dialog.updateComplete;
    const yes = await dialog.ask({
      heading: 'Sign out on every device?',
      body: 'Every browser and device signed in as you is signed out now, this one too. Messages not yet sent from them are lost.',
      action: 'Sign out everywhere',
      danger: true,
    });
    this.confirmingLogout = false;
    if (yes) await this.logout(true);
  }

  async logout(everywhere = false) {
    const userId = this.session?.user.id;
    if (this.session?.user.role === 'student') {
      // This browser stops getting this student's pushes (the server forgets them with the session in any case).
      await disablePush(userId, { signingOut: true }).catch((error) => console.warn('[push] cannot stop pushes', error));
    }
    try {
      await (everywhere === true ? api.call('POST', '/api/logout/everywhere') : api.logout());
    } catch (error) {
      console.warn('[app] logout request failed', error);
    }
    // Signing out forgets this user's unsent messages: nothing stays behind on a shared school computer.
    if (userId != null) Outbox.clearUser(userId);
    this.closeSession();
    this.user = null;
    this.afterLogin = null;
    this.loginNotice = 'You have signed out.';
    this.signedOut = true;
    this.navigate('/login');
  }

  handleSignedIn = (event) => {
    this.ssoError = '';
    this.signedOut = false;
    this.startSession(event.detail.user);
    const target = this.afterLogin;
    this.afterLogin = null;
    this.navigate(target && this.isAllowed(target) ? target : this.homeFor(this.user), { replace: true });
  };

  handleNavigate = (event) => {
    event.stopPropagation();
    this.navigate(event.detail.path, { replace: Boolean(event.detail.replace) });
  };

  handlePopState = () => {
    this.resolveRoute();
  };

  navigate(path, { replace = false } = {}) {
    if (path !== location.pathname + location.search) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this.resolveRoute();
  }

  homeFor(user) {
    return user?.role === 'admin' ? '/admin' : '/student';
  }

  /** Parses a path (with its query, if any) into a route, or null when it is not one of ours. */
  parse(pathWithQuery) {
    const [path, query = ''] = pathWithQuery.split('?');
    const seq = Number(new URLSearchParams(query).get('seq'));
    const openAt = Number.isInteger(seq) && seq > 0 ? { seq } : null; // a search hit to open at (R6.4)
    if (path === '/login') return { name: 'login' };
    if (path === '/admin' || path === '/admin/') return { name: 'admin', studentId: null };
    const match = /^\/admin\/students\/(\d+)\/?$/.exec(path);
    if (match) return { name: 'admin', studentId: Number(match[1]), openAt };
    if (path === '/student' || path === '/student/') return { name: 'student', openAt };
    if (path === '/admin/people' || path === '/admin/people/') return { name: 'people' };
    if (path === '/admin/replies' || path === '/admin/replies/') return { name: 'replies' };
    if (path === '/admin/announcements' || path === '/admin/announcements/') return { name: 'announcements' };
    if (path === '/admin/settings' || path === '/admin/settings/') return { name: 'settings' };
    if (path === '/admin/people/slips') return { name: 'slips', className: new URLSearchParams(query).get('className') ?? '' };
    const signup = /^\/signup\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (signup) return { name: 'signup', token: signup[1] };
    return null;
  }

  isAllowed(path) {
    const route = this.parse(path);
    if (!route || !this.user) return false;
    if (['admin', 'people', 'slips', 'replies', 'settings', 'announcements'].includes(route.name)) return this.user.role === 'admin';
    return route.name === 'student' && this.user.role === 'student';
  }

  /** Maps `location` to a route, redirecting (replace) where the user may not be. */
  resolveRoute() {
    const path = location.pathname + location.search;
    const route = this.parse(path);
    this.renderRoot?.querySelector?.('hr-account-menu')?.close();
    if (location.pathname === '/login') this.ssoError = new URLSearchParams(location.search).get('sso') ?? '';
    // A sign-up or reset link is for whoever holds it, signed in (as someone else) or not.
    if (route?.name === 'signup') {
      this.route = route;
      return;
    }
    if (!this.user) {
      if (route && route.name !== 'login') {
        this.afterLogin = path;
        // A link to a page (a bookmark, a link in an email) says why it shows the sign-in form (issue 27, point 6).
        if (!this.loginNotice && location.pathname !== '/') this.loginNotice = 'Sign in to open that page: you go straight there after.';
      }
      if (path !== '/login') history.replaceState(null, '', '/login');
      this.route = { name: 'login' };
      return;
    }
    if (!this.isAllowed(path)) {
      const home = this.homeFor(this.user);
      history.replaceState(null, '', home);
      this.route = this.parse(home);
      return;
    }
    this.route = route;
  }

  render() {
    if (this.booting) return html`<div class="center" aria-busy="true">Loading Homeroom…</div>`;
    if (this.bootError) {
      return html`<div class="center" role="alert">
        <div>
          <p>Homeroom could not start: ${this.bootError}</p>
          <button class="btn" type="button" @click=${this.boot}>Try again</button>
        </div>
      </div>`;
    }
    // The sign-in and sign-up pages are a page's main content too (a landmark to jump to; issue 27, point 6).
    if (this.route.name === 'signup') return html`<main class="auth"><hr-signup .token=${this.route.token}></hr-signup></main>`;
    if (!this.user || this.route.name === 'login') {
      return html`<main class="auth"><hr-login .notice=${this.loginNotice} .ssoError=${this.ssoError}
        .returnTo=${this.afterLogin ?? ''} .signedOut=${this.signedOut}></hr-login></main>`;
    }
    return html`
      <header class="topbar">
        <a class="brand" href=${this.homeFor(this.user)} @click=${this.goHome}>
          <img src="/favicon.svg" alt="" /><span class="brand-name">Homeroom</span>
        </a>
        ${this.user.role === 'admin' ? this.renderNav() : ''}
        <button class="search-trigger" type="button" data-testid="search-open" aria-keyshortcuts="/"
          aria-haspopup="dialog" aria-label="Search messages" title="Search messages (/)" @click=${this.openSearch}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor"
            stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><circle cx="11" cy="11" r="7"></circle>
            <path d="m20 20-3.5-3.5"></path></svg>
          <span class="label" aria-hidden="true">Search messages</span><kbd aria-hidden="true">/</kbd>
        </button>
        <span class="spacer"></span>
        ${this.notificationPermission === 'default'
          ? html`<button class="btn small" type="button" data-testid="enable-notifications"
              aria-label="Turn on notifications" title="Turn on notifications" @click=${this.enableNotifications}>
              <svg class="icon" aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" fill="none"
                stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"></path>
                <path d="M13.73 21a2 2 0 0 1-3.46 0"></path>
              </svg><span class="wide-only roomy-only" aria-hidden="true">Turn on notifications</span>
            </button>`
          : ''}
        <hr-connection-status .bus=${this.session.bus} .poller=${this.session.poller}></hr-connection-status>
        <hr-account-menu .user=${this.user} @hr-navigate=${(e) => this.navigate(e.detail.path)}
          @hr-change-password=${this.openPasswordDialog} @hr-logout-everywhere=${this.confirmLogoutEverywhere}></hr-account-menu>
        <button class="btn small" type="button" data-testid="logout" @click=${this.logout}>Sign out</button>
      </header>
      <main>${this.renderPage()}</main>
      <hr-search-panel .session=${this.session} .viewerRole=${this.user.role}></hr-search-panel>
      <hr-password-dialog></hr-password-dialog>
      ${this.confirmingLogout ? html`<hr-confirm-dialog></hr-confirm-dialog>` : ''}
    `;
  }

  renderNav() {
    const link = (path, label, current) => html`<a href=${path} aria-current=${current ? 'page' : 'false'}
      data-testid="nav-${label.toLowerCase()}" @click=${(e) => { e.preventDefault(); this.navigate(path); }}>${label}</a>`;
    return html`<nav aria-label="Sections">
      ${link('/admin', 'Messages', this.route.name === 'admin')}
      ${link('/admin/announcements', 'Announcements', this.route.name === 'announcements')}
      ${link('/admin/people', 'People', this.route.name === 'people' || this.route.name === 'slips')}
      ${link('/admin/replies', 'Replies', this.route.name === 'replies')}
      ${link('/admin/settings', 'Settings', this.route.name === 'settings')}
    </nav>`;
  }

  openPasswordDialog() {
    this.renderRoot.querySelector('hr-password-dialog')?.show();
  }

  renderPage() {
    if (this.route.name === 'people') return html`<hr-people-page .user=${this.user}></hr-people-page>`;
    if (this.route.name === 'replies') return html`<hr-saved-replies-page></hr-saved-replies-page>`;
    if (this.route.name === 'announcements') return html`<hr-announcements-page .session=${this.session}></hr-announcements-page>`;
    if (this.route.name === 'settings') return html`<hr-settings-page></hr-settings-page>`;
    if (this.route.name === 'slips') return html`<hr-slips-page .className=${this.route.className}></hr-slips-page>`;
    if (this.route.name === 'admin') {
      return html`<hr-admin-page .session=${this.session} .studentId=${this.route.studentId} .openAt=${this.route.openAt ?? null}
        ></hr-admin-page>`;
    }
    return html`<hr-student-page .session=${this.session} .openAt=${this.route.openAt ?? null}></hr-student-page>`;
  }

  get searchPanel() {
    return this.renderRoot.querySelector('hr-search-panel');
  }

  /** Opens the message search (R6.4); the focus returns to the trigger when it closes without opening a hit. */
  openSearch() {
    this.searchPanel?.open({ returnFocusTo: this.renderRoot.querySelector('[data-testid=search-open]') });
  }

  /** "/" opens the search from anywhere but a text field (where it is a character). */
  handleGlobalKeydown = (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (!this.session || this.route.name === 'login') return;
    const target = event.composedPath()[0];
    if (target instanceof Element && target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
    if (this.searchPanel?.isOpen) return;
    event.preventDefault();
    this.openSearch();
  };

  /** The chat left the search hit for the newest messages: the URL no longer names it (a reload opens the newest). */
  handleAtLatest = () => {
    if (location.search) history.replaceState(null, '', location.pathname);
  };

  /** Asked from this click only, never on page load (R5.2). */
  async enableNotifications() {
    this.notificationPermission = await requestNotificationPermission();
    // A student is pushed to while Homeroom is closed, too (issue 31, point 3), where the browser can.
    if (this.notificationPermission === 'granted' && this.user?.role === 'student') {
      const result = await enablePush(this.user.id).catch((error) => ({ state: 'failed', error: String(error) }));
      this.renderRoot.querySelector('hr-account-menu')?.pushChanged(result);
    }
  }

  goHome(event) {
    event.preventDefault();
    this.navigate(this.homeFor(this.user));
  }
}

customElements.define('hr-app', HrAppElement);
