/**
 * A Lit reactive controller that keeps a component listening to its `session` (the live events, the bus, attention,
 * the poller): bound while the component is connected, re-bound when `session` changes, and unbound exactly once
 * when it is disconnected or the session goes. It replaces the `bindTo(session)` plumbing each component had.
 *
 *   new SessionController(this, (session) => listenAll([[session.events, 'message-created', this.onMessage], …]));
 *
 * @param {import('lit').ReactiveControllerHost & HTMLElement & {session: object|null}} host
 * @param {(session: object) => (() => void)} bind adds the listeners for `session` and returns what removes them
 */
export class SessionController {
  constructor(host, bind) {
    this.host = host;
    this.bind = bind;
    /** The session listened to now (null: none). */
    this.bound = null;
    this.unbind = null;
    host.addController(this);
  }

  hostConnected() {
    this.bindTo(this.host.session);
  }

  hostDisconnected() {
    this.bindTo(null);
  }

  /** Before each render: the host's `session` may have changed. */
  hostUpdate() {
    if (this.host.isConnected) this.bindTo(this.host.session);
  }

  bindTo(session) {
    if (this.bound === (session ?? null)) return;
    this.unbind?.();
    this.unbind = null;
    this.bound = session ?? null;
    if (session) this.unbind = this.bind(session);
  }
}
