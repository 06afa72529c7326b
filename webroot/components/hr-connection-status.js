import { LitElement, html, css } from 'lit';
import { baseStyles, buttonStyles, visuallyHidden } from './shared-styles.js';
import { describeConnection } from '../lib/connection-mode.js';

/** Short labels for a narrow top bar (the full one stays the accessible name and tooltip). */
const SHORT = Object.freeze({
  'http-streaming': 'Live·HTTP',
  'http-polling': 'Live·HTTP',
  websocket: 'Live',
  reconnecting: 'Retrying',
});

/**
 * The always-visible pill saying how messages travel (R1.2, R1.3, R1.4, lib/connection-mode.js): "Live
 * (WebSocket)", "Live (HTTP streaming)" / "Live (HTTP polling)" when SockJS fell back, "HTTP only" when the bridge
 * is unreachable but the REST API answers (sends over REST, receives by polling), "Reconnecting…", "Offline".
 * In words, not colour alone; a polite status region. "Retry now" shows whenever it is not live over WebSocket
 * (not during the first connection attempt, so page loads do not flash it): it reconnects at once, or, when live
 * over HTTP, tries the WebSocket again. Automatic retries (backoff with jitter) go on regardless.
 *
 * The host reflects the bus state in its `state` attribute; the pill carries `data-testid="connection-status"`,
 * `data-state` (the bus's state) and `data-mode` (the mode).
 *
 * @csspart pill - the status pill
 */
export class HrConnectionStatusElement extends LitElement {
  static properties = {
    /** The {@link import('../lib/bus-client.js').BusClient} to watch. */
    bus: { attribute: false },
    /** The session's {@link import('../lib/http-poller.js').HttpPoller}: whether the REST API answers. */
    poller: { attribute: false },
    state: { type: String, reflect: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
      }
      .pill {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        height: 28px;
        padding: 0 var(--hr-space-3);
        border-radius: var(--hr-radius-pill);
        font-size: var(--hr-font-size-xs);
        font-weight: 600;
        white-space: nowrap;
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-warning);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: currentColor;
      }
      .pill[data-state='live'] {
        background: var(--hr-color-success-soft);
        color: var(--hr-color-success);
      }
      .pill[data-mode='http-streaming'],
      .pill[data-mode='http-polling'] {
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-primary);
      }
      .pill[data-mode='http-only'] {
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-warning);
      }
      .pill[data-mode='offline'] {
        background: var(--hr-color-danger-soft);
        color: var(--hr-color-danger);
      }
      .short,
      .retry-icon {
        display: none;
      }
      @media (max-width: 480px) {
        :host {
          gap: var(--hr-space-1, 4px);
        }
        .retry-icon {
          display: block;
          flex: none;
          width: 16px;
          height: 16px;
        }
        .long.has-short {
          /* visually hidden, still the pill's text for screen readers */
          ${visuallyHidden}
        }
        .short {
          display: inline;
        }
        /* Drawn by CSS, so the pill's text stays the full label alone. */
        .short::after {
          content: attr(data-short);
        }
        .pill {
          gap: 4px;
          padding: 0 var(--hr-space-2);
        }
        /* The retry control keeps its name for screen readers and its tooltip; on a phone it is an icon. */
        .retry {
          padding: 0;
          width: 32px;
        }
        .retry .retry-text {
          ${visuallyHidden}
        }
      }
      .pill[data-mode='connecting'] .dot,
      .pill[data-mode='reconnecting'] .dot {
        animation: pulse 1.2s ease-in-out infinite;
      }
      @keyframes pulse {
        50% {
          opacity: 0.25;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dot {
          animation: none !important;
        }
      }
    `,
  ];

  constructor() {
    super();
    this.bus = null;
    this.poller = null;
    this.watchedPoller = null;
    this.state = 'connecting';
    this.watchedBus = null;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.watch(null);
    this.watchPoller(null);
    window.removeEventListener('online', this.handleAttemptFailed);
    window.removeEventListener('offline', this.handleAttemptFailed);
  }

  willUpdate(changed) {
    if (changed.has('bus')) this.watch(this.bus);
    if (changed.has('poller')) this.watchPoller(this.poller);
  }

  watchPoller(poller) {
    if (this.watchedPoller === poller) return;
    this.watchedPoller?.removeEventListener('change', this.handleAttemptFailed);
    this.watchedPoller = poller;
    poller?.addEventListener('change', this.handleAttemptFailed);
  }

  /** Follows another bus (or none). */
  watch(bus) {
    if (this.watchedBus === bus) return;
    this.watchedBus?.removeEventListener('statechange', this.handleStateChange);
    this.watchedBus?.removeEventListener('attemptfailed', this.handleAttemptFailed);
    this.watchedBus?.removeEventListener('transportchange', this.handleAttemptFailed);
    this.watchedBus = bus;
    if (bus) {
      bus.addEventListener('statechange', this.handleStateChange);
      bus.addEventListener('attemptfailed', this.handleAttemptFailed);
      bus.addEventListener('transportchange', this.handleAttemptFailed);
      this.state = bus.state;
    }
  }

  connectedCallback() {
    super.connectedCallback();
    this.watch(this.bus);
    this.watchPoller(this.poller);
    window.addEventListener('online', this.handleAttemptFailed);
    window.addEventListener('offline', this.handleAttemptFailed);
  }

  handleStateChange = (event) => {
    this.state = event.detail.state;
  };

  handleAttemptFailed = () => {
    this.requestUpdate();
  };

  /** Reconnects now (or tries the WebSocket again when live over HTTP), and polls now while down. */
  retryNow() {
    const bus = this.bus;
    if (!bus) return;
    if (bus.isLive) bus.retryWebSocket?.();
    else bus.retryNow();
    this.poller?.pollNow();
  }

  get connection() {
    const bus = this.bus;
    return describeConnection({
      state: bus?.state ?? this.state,
      transport: bus?.transport ?? null,
      failedAttempts: bus?.failedAttempts ?? 0,
      reachable: this.poller?.reachable ?? null,
      online: globalThis.navigator?.onLine !== false,
    });
  }

  render() {
    const state = this.state;
    const c = this.connection;
    const short = SHORT[c.mode];
    return html`
      <span
        class="pill"
        part="pill"
        role="status"
        aria-live="polite"
        data-testid="connection-status"
        data-state=${state}
        data-mode=${c.mode}
        title=${c.description}
      >
        <span class="dot" aria-hidden="true"></span>
        <span class="label long ${short ? 'has-short' : ''}" data-testid="connection-label">${c.label}</span>
        ${short ? html`<span class="label short" aria-hidden="true" data-short=${short}></span>` : ''}
      </span>
      ${c.canRetry
        ? html`<button class="btn small retry" type="button" data-testid="retry-now" @click=${this.retryNow}
            title=${c.live ? 'Try the WebSocket connection again' : 'Try to reconnect now'}>
            <svg class="retry-icon" aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" fill="none"
              stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
              <path d="M21 12a9 9 0 1 1-2.64-6.36"></path><path d="M21 3v6h-6"></path></svg
            ><span class="retry-text">Retry now</span>
          </button>`
        : null}
    `;
  }
}

customElements.define('hr-connection-status', HrConnectionStatusElement);
