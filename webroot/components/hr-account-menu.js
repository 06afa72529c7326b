import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { initials } from '../lib/format.js';
import { baseStyles } from './shared-styles.js';
import { pushSupported, pushEnabledHere, enablePush, disablePush } from '../lib/web-push.js';
import { requestNotificationPermission } from '../lib/browser-notifications.js';
import { download, transcriptPaths } from '../lib/download.js';

/**
 * The signed-in person's name in the top bar, which opens their account menu (issues 8, 25): change password, sign
 * out on every device, for a student whether unread messages are emailed to them and pushed to this browser while
 * Homeroom is closed (issue 31), and on a phone the
 * sections the top bar has no room for. Keyboard: arrows move between the
 * items, Escape closes and returns to the button; tabbing out or pressing elsewhere closes it.
 *
 * @fires hr-navigate - `detail: {path}`: a section was chosen (phone layout).
 * @fires hr-change-password - "Change password" was chosen.
 * @fires hr-logout-everywhere - "Sign out everywhere" was chosen.
 */
export class HrAccountMenu extends LitElement {
  static properties = {
    preferences: { state: true },
    /** Web Push in this browser (issue 31, point 3): `{available, on, message}`; null until the menu first opens. */
    push: { state: true },
    /** The signed-in user: `{name, role}`. */
    user: { attribute: false },
    open: { state: true },
  };

  static styles = [
    baseStyles,
    css`
    :host {
      display: block;
      position: relative;
      flex: none;
    }
    .who {
      display: flex;
      flex-direction: column;
      align-items: flex-end;
      line-height: 1.2;
      min-width: 0;
      padding: 2px var(--hr-space-2);
      border: 1px solid transparent;
      border-radius: var(--hr-radius);
      background: none;
      color: inherit;
      font: inherit;
      cursor: pointer;
    }
    .who .initials {
      display: none;
      font-size: var(--hr-font-size-xs);
      font-weight: 700;
    }
    .who:hover,
    .who[aria-expanded='true'] {
      background: var(--hr-color-surface-muted);
    }
    .menu {
      position: absolute;
      right: 0;
      top: calc(100% + 6px);
      z-index: 20;
      min-width: 220px;
      padding: var(--hr-space-1, 4px);
      border: 1px solid var(--hr-color-border);
      border-radius: var(--hr-radius);
      background: var(--hr-color-surface);
      box-shadow: var(--hr-shadow-lg);
    }
    .menu button {
      display: block;
      width: 100%;
      padding: var(--hr-space-2) var(--hr-space-3);
      border: none;
      border-radius: var(--hr-radius-sm);
      background: none;
      color: inherit;
      font: inherit;
      font-size: var(--hr-font-size-sm);
      text-align: left;
      cursor: pointer;
    }
    .menu .narrow-only,
    .menu .menu-who {
      display: none;
    }
    .menu .menu-who {
      padding: var(--hr-space-2, 8px) var(--hr-space-3, 12px);
      margin-bottom: var(--hr-space-1, 4px);
      border-bottom: 1px solid var(--hr-color-border);
      font-size: var(--hr-font-size-sm);
      max-width: 260px;
      overflow-wrap: anywhere;
    }
    .menu .menu-who .role {
      display: block;
    }
    .menu .hint {
      display: block;
      margin: var(--hr-space-1, 4px) 0 0 1.4em;
      max-width: 240px;
      font-size: var(--hr-font-size-xs);
      color: var(--hr-color-text-muted);
    }
    .menu .check {
      display: inline-block;
      width: 1.4em;
    }
    .menu button:hover,
    .menu button:focus-visible {
      background: var(--hr-color-surface-muted);
    }
    .who .name {
      font-size: var(--hr-font-size-sm);
      font-weight: 600;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      max-width: 220px;
    }
    .who .role,
    .menu-who .role {
      font-size: var(--hr-font-size-xs);
      color: var(--hr-color-text-muted);
      text-transform: capitalize;
    }
    /* A laptop's top bar keeps the account as its initials (the name is the button's accessible name and tooltip,
       and heads the open menu);
       below 1024 px the sections join the menu, as hr-app's nav leaves the bar at that width. */
    @media (max-width: 1024px) {
        .menu .narrow-only {
          display: block;
        }
    }
    @media (max-width: 1240px) {
        .menu .menu-who {
          display: block;
        }
        .who .name,
        .who .role {
          display: none;
        }
        .who .initials {
          display: inline;
        }
        .who {
          flex: none;
          align-items: center;
          justify-content: center;
          width: 36px;
          height: 36px;
          padding: 0;
          border-color: var(--hr-color-border-strong);
          border-radius: 50%;
        }
    }
  `,
  ];

  constructor() {
    super();
    this.user = null;
    this.open = false;
    /** The student's email digest choice (issue 31), loaded when the menu opens. */
    this.preferences = null;
    this.push = null;
  }

  /** Whether this browser is pushed to, and whether it could be (asked each time the menu opens). */
  async loadPush() {
    if (!pushSupported()) {
      this.push = { available: false, on: false };
      return;
    }
    try {
      const status = await api.pushStatus();
      this.push = { ...this.push, available: Boolean(status.available), on: status.available && await pushEnabledHere() };
    } catch (error) {
      console.warn('[account] cannot tell whether pushes are on', error);
    }
  }

  /** Turns pushes to this browser on (asking for notification permission first, from this click) or off. */
  async togglePush() {
    const userId = this.user?.id;
    if (this.push?.on) {
      await disablePush(userId).catch((error) => console.warn('[account] cannot stop pushes', error));
      this.push = { ...this.push, on: false, message: '' };
      return;
    }
    const permission = await requestNotificationPermission();
    if (permission !== 'granted') {
      this.push = { ...this.push, message: 'Notifications are blocked for Homeroom in this browser\'s settings.' };
      return;
    }
    this.pushChanged(await enablePush(userId).catch((error) => ({ state: 'failed', error: String(error) })));
  }

  /** Shows what turning pushes on gave (also when the top bar's "Turn on notifications" did it). */
  pushChanged(result) {
    const messages = {
      on: '',
      failed: 'This browser could not sign up for notifications' + (result?.error ? `: ${result.error}` : '.'),
      unavailable: 'Notifications while Homeroom is closed are turned off by your school.',
      unsupported: 'This browser cannot notify you while Homeroom is closed.',
    };
    this.push = { ...(this.push ?? { available: true }), on: result?.state === 'on', message: messages[result?.state] ?? '' };
  }

  /** Turns the student's email digests on or off (issue 31, point 1); the menu stays open to show the change. */
  async toggleDigests() {
    const wanted = !this.preferences?.emailDigests;
    try {
      this.preferences = await api.setPreferences({ emailDigests: wanted });
    } catch (error) {
      console.warn('[account] cannot change the email digests', error);
    }
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener('pointerdown', this.handleOutsidePointer);
  }

  disconnectedCallback() {
    window.removeEventListener('pointerdown', this.handleOutsidePointer);
    super.disconnectedCallback();
  }

  /** Closes the menu (the page changed under it). */
  close() {
    this.open = false;
  }

  choose(type, detail = {}) {
    this.open = false;
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  render() {
    if (!this.user) return '';
    return html`<div class="account" @keydown=${this.handleMenuKeydown} @focusout=${this.handleMenuFocusOut}>
      <button class="who" type="button" data-testid="current-user" aria-haspopup="menu" aria-expanded=${this.open ? 'true' : 'false'}
        aria-label="Your account: ${this.user.name}" title=${this.user.name} @click=${this.toggleMenu}>
        <span class="name">${this.user.name}</span>
        <span class="role">${this.user.role}</span>
        <span class="initials" aria-hidden="true">${initials(this.user.name)}</span>
      </button>
      ${this.open
        ? html`<div class="menu" role="menu" aria-label="Your account">
            <div class="menu-who" role="presentation" data-testid="menu-who"><strong>${this.user.name}</strong>
              <span class="role">${this.user.role}</span></div>
            ${this.user.role === 'admin'
              ? html`<button role="menuitem" type="button" class="narrow-only" @click=${() => this.choose('hr-navigate', { path: '/admin' })}>Messages</button>
                  <button role="menuitem" type="button" class="narrow-only"
                    @click=${() => this.choose('hr-navigate', { path: '/admin/announcements' })}>Announcements</button>
                  <button role="menuitem" type="button" class="narrow-only" data-testid="menu-people"
                    @click=${() => this.choose('hr-navigate', { path: '/admin/people' })}>People</button>
                  <button role="menuitem" type="button" class="narrow-only"
                    @click=${() => this.choose('hr-navigate', { path: '/admin/replies' })}>Replies</button>
                  <button role="menuitem" type="button" class="narrow-only"
                    @click=${() => this.choose('hr-navigate', { path: '/admin/settings' })}>Settings</button>`
              : ''}
            ${this.user.role === 'student' && this.preferences?.emailConfigured
              ? html`<button role="menuitemcheckbox" type="button" data-testid="email-digests"
                  aria-checked=${this.preferences.emailDigests ? 'true' : 'false'} @click=${this.toggleDigests}
                  ><span class="check" aria-hidden="true">${this.preferences.emailDigests ? '☑' : '☐'}</span>Email me what I miss</button>`
              : ''}
            ${this.user.role === 'student' && this.push?.available
              ? html`<button role="menuitemcheckbox" type="button" data-testid="push-notifications"
                  aria-checked=${this.push.on ? 'true' : 'false'} @click=${this.togglePush}
                  ><span class="check" aria-hidden="true">${this.push.on ? '☑' : '☐'}</span>Notify me when Homeroom is closed${this.push.message
                    ? html`<span class="hint" data-testid="push-message">${this.push.message}</span>`
                    : nothing}</button>`
              : ''}
            ${this.user.role === 'student'
              ? html`<button role="menuitem" type="button" data-testid="download-transcript"
                  @click=${() => { this.open = false; download(transcriptPaths.mine('pdf')); }}>Download my conversation (PDF)</button>`
              : ''}
            <button role="menuitem" type="button" data-testid="change-password" @click=${() => this.choose('hr-change-password')}>Change password</button>
            <button role="menuitem" type="button" data-testid="logout-everywhere" title="Sign out on every device"
              @click=${() => this.choose('hr-logout-everywhere')}>Sign out everywhere</button>
          </div>`
        : ''}
    </div>`;
  }

  async toggleMenu() {
    this.open = !this.open;
    if (this.open && this.user?.role === 'student') {
      try {
        [this.preferences] = await Promise.all([api.myPreferences(), this.loadPush()]);
      } catch (error) {
        console.warn('[account] cannot load the preferences', error);
      }
    }
    if (this.open) {
      await this.updateComplete;
      this.menuItems()[0]?.focus();
    }
  }

  /** The menu's items shown at this width (the sections are in it only on a phone). */
  menuItems() {
    return [...this.renderRoot.querySelectorAll('.menu [role^=menuitem]')].filter((item) => item.offsetParent !== null);
  }

  handleMenuKeydown = (event) => {
    if (!this.open) return;
    const items = this.menuItems();
    const index = items.indexOf(this.renderRoot.activeElement);
    if (event.key === 'Escape') {
      this.open = false;
      this.renderRoot.querySelector('.who')?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    }
  };

  /** Tabbing out closes it; so does a press anywhere else (below), which may move no focus at all. */
  handleMenuFocusOut = (event) => {
    if (event.relatedTarget && !event.currentTarget.contains(event.relatedTarget)) this.open = false;
  };

  handleOutsidePointer = (event) => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };
}

customElements.define('hr-account-menu', HrAccountMenu);
