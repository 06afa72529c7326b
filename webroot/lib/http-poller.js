/**
 * Receiving over plain HTTP while the live channel is down (R1.4, R5.3).
 *
 * When the bridge is unreachable (the bus is down: not live, and not merely opening for the first time), the
 * views' poll tasks run every `intervalMs` (3 s, with ±20 % jitter so a class of clients does not poll in step):
 * the open conversation catches up over `GET /api/conversations/:id/messages?after=SEQ`, the student's page
 * refreshes its notifications. A round where a task fails because the server cannot be reached backs off
 * (doubling, full jitter, up to `maxIntervalMs`); a round that works goes back to the base interval. Polling stops
 * as soon as the bus is live again (the bus's own `reconnected` then runs one catch-up).
 *
 * `reachable` says what the last round found: true (the REST API answers: "HTTP only" mode), false (it does not:
 * offline), null (no round yet since the bus went down).
 *
 * DOM-free; the clock and randomness are injectable.
 *
 * @fires change - `reachable` or `polling` changed
 * @fires poll - `detail: {ok}` after each round
 */
import { ConnectionState } from './bus-client.js';

/** Error codes that mean "the server could not be reached", not "it said no". */
const UNREACHABLE = new Set(['network', 'unavailable', 'timeout', 'not_connected', 'disconnected']);

const DEFAULTS = Object.freeze({
  intervalMs: 3000,
  maxIntervalMs: 30_000,
  random: Math.random,
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
});

export class HttpPoller extends EventTarget {
  #bus;
  #opts;
  #tasks = new Set();
  #timer = null;
  #running = false;
  #failures = 0;
  #started = false;
  #round = null;

  /** What the last round found: true (REST answers), false (unreachable), null (unknown). */
  reachable = null;

  /**
   * @param {import('./bus-client.js').BusClient} bus
   * @param {Partial<typeof DEFAULTS>} [options]
   */
  constructor(bus, options = {}) {
    super();
    this.#bus = bus;
    this.#opts = { ...DEFAULTS, ...options };
  }

  /** Whether it is polling (the live channel is down). */
  get polling() {
    return this.#running;
  }

  start() {
    if (this.#started) return this;
    this.#started = true;
    this.#bus.addEventListener('statechange', this.#follow);
    this.#bus.addEventListener('attemptfailed', this.#follow);
    this.#follow();
    return this;
  }

  stop() {
    this.#started = false;
    this.#bus.removeEventListener('statechange', this.#follow);
    this.#bus.removeEventListener('attemptfailed', this.#follow);
    this.#halt();
  }

  /**
   * Adds a task run in each round while the live channel is down (an async function; a rejection with an
   * unreachable-server code backs off). A task added while polling runs in the next round.
   * @returns {() => void} removes it
   */
  add(task) {
    this.#tasks.add(task);
    return () => this.#tasks.delete(task);
  }

  /** Runs a round now (the user asked, or the network came back), when polling. */
  pollNow() {
    if (!this.#running) return Promise.resolve();
    this.#opts.clearTimeout(this.#timer);
    this.#timer = null;
    return this.#runRound();
  }

  #follow = () => {
    if (!this.#started) return;
    const down = this.#bus.isDown && this.#bus.state !== ConnectionState.LIVE;
    if (down && !this.#running) {
      this.#running = true;
      this.#failures = 0;
      this.#changed();
      this.#runRound();
    } else if (!down && this.#running) {
      this.#halt();
    }
  };

  #halt() {
    const was = this.#running || this.reachable !== null;
    this.#running = false;
    this.#opts.clearTimeout(this.#timer);
    this.#timer = null;
    this.reachable = null;
    if (was) this.#changed();
  }

  #runRound() {
    if (this.#round) return this.#round;
    this.#round = (async () => {
      const results = await Promise.allSettled([...this.#tasks].map((task) => Promise.resolve().then(task)));
      const failed = results.some((r) => r.status === 'rejected' && UNREACHABLE.has(r.reason?.code));
      for (const r of results) {
        if (r.status === 'rejected' && !UNREACHABLE.has(r.reason?.code)) console.warn('[poll] task failed', r.reason);
      }
      return !failed;
    })().then((ok) => {
      this.#round = null;
      if (!this.#running) return;
      this.#failures = ok ? 0 : this.#failures + 1;
      const reachable = ok;
      if (reachable !== this.reachable) {
        this.reachable = reachable;
        this.#changed();
      }
      this.dispatchEvent(new CustomEvent('poll', { detail: { ok } }));
      this.#schedule();
    });
    return this.#round;
  }

  #schedule() {
    const { intervalMs, maxIntervalMs, random } = this.#opts;
    let delay;
    if (this.#failures === 0) {
      delay = Math.round(intervalMs * (0.8 + 0.4 * random()));
    } else {
      // Full jitter, at least the base interval's half so a dead server is not hammered.
      const ceiling = Math.min(maxIntervalMs, intervalMs * 2 ** this.#failures);
      delay = Math.max(Math.round(intervalMs / 2), Math.round(random() * ceiling));
    }
    this.#opts.clearTimeout(this.#timer);
    this.#timer = this.#opts.setTimeout(() => {
      this.#timer = null;
      if (this.#running) this.#runRound();
    }, delay);
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}
