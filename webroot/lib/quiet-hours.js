/**
 * The school's quiet hours as the browser needs them (issue 31, point 2): whether it is quiet now and until when, as
 * the server says (`quietNow`, `quietUntil` of `GET /api/me/preferences` or, for staff, `GET /api/settings/notifications`),
 * asked again when older than a minute. A student's page {@link QuietState#hold}s its toasts and system notifications
 * for staff messages until the quiet hours end; a member of staff is told the student will be notified then.
 */

const SYSTEM_CLOCK = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};
/** How long an answer is trusted. */
export const MAX_AGE_MS = 60_000;
/** Quiet with no end known (days of it): look again after this long. */
const RECHECK_MS = 60 * 60_000;

export class QuietState {
  #fetch;
  #clock;
  #state = null;
  #at = -Infinity;
  #loading = null;
  #timers = new Set();

  /** @param {{fetch: () => Promise<{quietNow: boolean, quietUntil: string|null}>, clock?: object}} options */
  constructor({ fetch, clock = SYSTEM_CLOCK }) {
    this.#fetch = fetch;
    this.#clock = clock;
  }

  /** `{quiet, until}` now (`until` a Date or null); a failure to ask counts as not quiet: nothing is held back for it. */
  async current() {
    const now = this.#clock.now();
    if (!this.#state || now - this.#at > MAX_AGE_MS) {
      this.#loading ??= this.#fetch()
        .then((state) => {
          this.#state = state;
          this.#at = this.#clock.now();
        })
        .catch((error) => console.warn('[quiet] cannot tell whether it is quiet hours', error))
        .finally(() => {
          this.#loading = null;
        });
      await this.#loading;
    }
    const until = this.#state?.quietUntil ? new Date(this.#state.quietUntil) : null;
    const quiet = Boolean(this.#state?.quietNow) && (until == null || this.#clock.now() < until.getTime());
    return { quiet, until: quiet ? until : null };
  }

  /** Runs `fn(waited)` now (`waited` false), or, in quiet hours, once they end (asked again then; `waited` true). */
  async hold(fn, waited = false) {
    const { quiet, until } = await this.current();
    if (!quiet) {
      fn(waited);
      return;
    }
    const wait = until ? until.getTime() - this.#clock.now() + 1_000 : RECHECK_MS;
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer);
      this.#at = -Infinity;
      this.hold(fn, true);
    }, wait);
    this.#timers.add(timer);
  }

  stop() {
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }
}

/** "07:00" (or "Mon 07:00" when not today), in the viewer's time zone, for a staff notice. */
export function quietEndLabel(until, now = new Date()) {
  const time = until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return until.toDateString() === now.toDateString() || until - now < 12 * 3600_000
    ? time
    : `${until.toLocaleDateString([], { weekday: 'short' })} ${time}`;
}
