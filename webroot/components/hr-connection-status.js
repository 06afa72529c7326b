import { LitElement, html, css } from 'lit';
import { baseStyles, buttonStyles } from './shared-styles.js';

const LABELS = Object.freeze({
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
});

const DESCRIPTIONS = Object.freeze({
  connecting: 'Opening the live connection. Messages are sent over HTTP until it is up.',
  live: 'Live connection: messages arrive instantly.',
  reconnecting: 'The live connection dropped. Messages are sent over HTTP while it reconnects.',
  offline: 'No live connection. Homeroom keeps trying; messages are sent over HTTP when possible.',
});

/**
 * The always-visible pill showing the live connection's state, with "Retry now" when it is down
 * (R1.2, R1.3, R1.4); not during the first connection attempt, so page loads do not flash it.
 *
 * The host reflects the state in its `state` attribute; the pill carries
 * `data-testid="connection-status"` and `data-state`.
 *
 * @csspart pill - the status pill
 */
export class HrConnectionStatusElement extends LitElement {
  static properties = {
    /** The {@link import('../lib/bus-client.js').BusClient} to watch. */
    bus: { attribute: false },
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
      .pill[data-state='offline'] {
        background: var(--hr-color-danger-soft);
        color: var(--hr-color-danger);
      }
      .pill[data-state='connecting'] .dot,
      .pill[data-state='reconnecting'] .dot {
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
    this.state = 'connecting';
    this.watchedBus = null;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.watch(null);
  }

  willUpdate(changed) {
    if (changed.has('bus')) this.watch(this.bus);
  }

  /** Follows another bus (or none). */
  watch(bus) {
    if (this.watchedBus === bus) return;
    this.watchedBus?.removeEventListener('statechange', this.handleStateChange);
    this.watchedBus?.removeEventListener('attemptfailed', this.handleAttemptFailed);
    this.watchedBus = bus;
    if (bus) {
      bus.addEventListener('statechange', this.handleStateChange);
      bus.addEventListener('attemptfailed', this.handleAttemptFailed);
      this.state = bus.state;
    }
  }

  connectedCallback() {
    super.connectedCallback();
    this.watch(this.bus);
  }

  handleStateChange = (event) => {
    this.state = event.detail.state;
  };

  handleAttemptFailed = () => {
    this.requestUpdate();
  };

  retryNow() {
    this.bus?.retryNow();
  }

  render() {
    const state = this.state;
    return html`
      <span
        class="pill"
        part="pill"
        role="status"
        aria-live="polite"
        data-testid="connection-status"
        data-state=${state}
        title=${DESCRIPTIONS[state] ?? ''}
      >
        <span class="dot" aria-hidden="true"></span>
        <span class="label">${LABELS[state] ?? state}</span>
      </span>
      ${!this.bus?.isDown
        ? null
        : html`<button class="btn small" type="button" data-testid="retry-now" @click=${this.retryNow}>
            Retry now
          </button>`}
    `;
  }
}

customElements.define('hr-connection-status', HrConnectionStatusElement);
