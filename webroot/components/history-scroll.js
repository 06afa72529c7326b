const NEAR_TOP_PX = 120; // start loading older messages this close to the top
const NEAR_BOTTOM_PX = 48; // "at the bottom" for following new messages
const NEAR_END_PX = 160; // start loading newer messages (a window opened at a search hit) this close to the end

/**
 * How the chat view's history scrolls (R3.4, R6.4), as a Lit reactive controller: it sticks to the bottom while the
 * reader is there (new messages stay in view), keeps what the reader looks at in place when older messages go in
 * above, loads older pages near the top and newer ones near the end of a window opened at a search hit, and loads
 * pages while the history does not fill its region.
 *
 * The snapshot is taken before each render ({@link hostUpdate}) and the position restored after it
 * ({@link hostUpdated}), measuring the items the same update rendered: the message list renders in the view's own
 * shadow root for this reason (message-list.js).
 *
 * The host provides `store` (a ConversationStore) and `revealSeq` (an entry about to be brought into view: scrolling
 * then is not the reader's), and renders a `.scroller` element.
 */
export class HistoryScroll {
  constructor(host) {
    this.host = host;
    this.snapshot = null;
    /** Scroll to the bottom after the next render (opening, sending, jumping to the latest). */
    this.forceBottom = false;
    /** Whether the rendered history reaches the newest message (only then does it stick to the bottom). */
    this.renderedAtEnd = true;
    host.addController(this);
  }

  get scroller() {
    return this.host.renderRoot?.querySelector('.scroller');
  }

  hostUpdate() {
    const el = this.scroller;
    this.snapshot = el
      ? {
          height: el.scrollHeight,
          top: el.scrollTop,
          // Sticking to the bottom follows new messages: only when what is shown reaches the newest one.
          atBottom: this.renderedAtEnd && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX,
          firstKey: el.querySelector('[data-key]')?.dataset.key ?? null,
        }
      : null;
  }

  hostUpdated() {
    this.restore();
    this.renderedAtEnd = !this.host.store?.hasMoreAfter;
  }

  restore() {
    const el = this.scroller;
    const before = this.snapshot;
    this.snapshot = null;
    if (!el) return;
    if (this.forceBottom || (before?.atBottom && this.host.revealSeq == null)) {
      el.scrollTop = el.scrollHeight;
      if (this.host.store?.loaded) this.forceBottom = false;
      return;
    }
    const firstKey = el.querySelector('[data-key]')?.dataset.key ?? null;
    if (before && before.firstKey && firstKey !== before.firstKey) {
      // Older messages went in above: keep what the reader was looking at in place.
      el.scrollTop = before.top + (el.scrollHeight - before.height);
    }
  }

  /** The history's scroll event. */
  handleScroll() {
    const el = this.scroller;
    const store = this.host.store;
    // While a new window goes in and its hit is brought into view, scroll events are not the reader's.
    if (!el || this.host.revealSeq != null || store?.loadingAround || store?.loadingLatest) return;
    if (el.scrollTop < NEAR_TOP_PX) this.loadOlder();
    if (store?.hasMoreAfter && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX) this.loadNewer();
  }

  async loadOlder() {
    const store = this.host.store;
    if (!store || !store.hasMoreBefore || store.loadingOlder) return;
    try {
      await store.loadOlder();
      await this.host.updateComplete;
      this.fillViewport();
    } catch (error) {
      console.warn('[chat] cannot load older messages', error);
    }
  }

  /** The next page after the window (R6.4), when it does not reach the newest message. */
  async loadNewer() {
    const store = this.host.store;
    if (!store || !store.hasMoreAfter || store.loadingNewer) return;
    try {
      await store.loadNewer();
      await this.host.updateComplete;
      this.fillViewport();
    } catch (error) {
      console.warn('[chat] cannot load newer messages', error);
    }
  }

  /** Loads pages while the history does not fill the view (no scrollbar, no scroll event). */
  fillViewport() {
    const el = this.scroller;
    const store = this.host.store;
    // Not while hidden (the student's notifications show): a history with no height would load every page.
    if (!el || el.clientHeight === 0 || el.scrollHeight > el.clientHeight + NEAR_TOP_PX) return;
    if (store?.hasMoreBefore) this.loadOlder();
    if (store?.hasMoreAfter) this.loadNewer();
  }
}
