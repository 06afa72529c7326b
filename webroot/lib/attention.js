/**
 * Whether the person is looking at this page: the tab is visible and its window has the focus.
 *
 * A message that arrives in the open conversation counts as read only while they look (R2.3); when they
 * come back, what arrived meanwhile is marked read then. `document` and `window` are parameters so the
 * logic runs in Node tests with stand-ins.
 *
 * @fires change - `detail: {looking}` when `looking` changes
 */
export class Attention extends EventTarget {
  #document;
  #window;
  #looking = false;
  #started = false;

  constructor({ document = globalThis.document, window = globalThis.window } = {}) {
    super();
    this.#document = document;
    this.#window = window;
  }

  /** True while the page is visible and focused. */
  get looking() {
    return this.#started ? this.#looking : this.#measure();
  }

  start() {
    if (this.#started) return this;
    this.#started = true;
    this.#looking = this.#measure();
    this.#document?.addEventListener('visibilitychange', this.#handleChange);
    this.#window?.addEventListener('focus', this.#handleChange);
    this.#window?.addEventListener('blur', this.#handleChange);
    return this;
  }

  stop() {
    if (!this.#started) return;
    this.#started = false;
    this.#document?.removeEventListener('visibilitychange', this.#handleChange);
    this.#window?.removeEventListener('focus', this.#handleChange);
    this.#window?.removeEventListener('blur', this.#handleChange);
  }

  #measure() {
    const doc = this.#document;
    if (!doc) return false;
    const visible = doc.visibilityState === undefined || doc.visibilityState === 'visible';
    const focused = typeof doc.hasFocus === 'function' ? doc.hasFocus() : true;
    return visible && focused;
  }

  #handleChange = (event) => {
    // During `blur` some browsers still report the focus: trust the event's own meaning.
    const looking = event?.type === 'blur' ? false : this.#measure();
    if (looking === this.#looking) return;
    this.#looking = looking;
    this.dispatchEvent(new CustomEvent('change', { detail: { looking } }));
  };
}
