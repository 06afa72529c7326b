/**
 * A small client of the Vert.x SockJS event-bus bridge (`/eventbus`).
 *
 * The bridge protocol is JSON text frames over SockJS:
 *   out: {type:"register"|"unregister", address}, {type:"send", address, body, replyAddress}, {type:"ping"}
 *   in:  {type:"rec", address, body}             (a reply arrives as `rec` on the replyAddress)
 *        {type:"err", body, address?, failureCode?, failureType?, message?}
 *
 * What this adds on top of the raw protocol:
 * - `request()` returns a promise for the reply, with a timeout; it rejects at once when the socket
 *   is not live and when the socket closes, so callers can fall back to HTTP.
 * - `subscribe()` survives reconnections: every address with a handler is registered again as soon
 *   as a new socket opens, *before* the `reconnected` event fires, so a catch-up fetch started from
 *   that event cannot miss a message pushed in between (subscribe first, then fetch).
 * - Automatic reconnection with exponential backoff and full jitter; `retryNow()` for impatient users.
 * - The transport in use (`transport`: `websocket`, `xhr-streaming`, `xhr-polling`…, as SockJS names it once
 *   open) and a WebSocket that keeps failing left out for a while (R1.4): SockJS itself falls back to its HTTP
 *   transports when a WebSocket cannot be opened; when one *opens and keeps dropping* (`wsDropLimit` drops within
 *   `wsDropWindowMs`), or could not be opened while HTTP could, the next sockets are created without `websocket`
 *   in SockJS's `transports` option for `wsAvoidMs` (doubling each time, up to `wsAvoidCapMs`). When that time
 *   is up and the client is live over HTTP, it tries a WebSocket-only socket beside the live one and moves to
 *   it once it opens (subscriptions registered on it first, then `reconnected`), so the WebSocket comes back by
 *   itself without a gap; `retryWebSocket()` tries at once.
 *
 * Independent of Lit and the DOM (only `SockJS`, `EventTarget`, timers and, when present, the
 * `window` online/offline events), so it can be tested on its own with a fake SockJS.
 *
 * @fires statechange - `detail: {state, previous}` whenever `state` changes.
 * @fires reconnected - after a socket opens again (addresses are already registered again).
 * @fires transportchange - `detail: {transport}` whenever the live socket's transport changes (null when none).
 * @fires attemptfailed - `detail: {attempts, delayMs}` after each failed or lost connection.
 * @fires buserror - `detail: frame` for an `err` frame that answers no pending request
 *   (for example a refused `register`).
 */

import { codeForStatus } from './error-codes.js';

/** Connection states, as shown to the user. */
export const ConnectionState = Object.freeze({
  CONNECTING: 'connecting',
  LIVE: 'live',
  RECONNECTING: 'reconnecting',
  OFFLINE: 'offline',
});

const DEFAULTS = Object.freeze({
  /** The SockJS constructor; the page loads it as a global from its WebJar. */
  SockJS: undefined,
  /** Options passed to SockJS as its third argument. */
  sockjsOptions: undefined,
  // The bridge closes a socket that has been silent for its pingTimeout (Homeroom sets 30 seconds),
  // so ping well inside it: 5 seconds, as the official vertx3-eventbus-client does.
  pingIntervalMs: 5 * 1000,
  /**
   * A live socket that has heard nothing for this long, not even a SockJS heartbeat (Homeroom's server sends one
   * every 4 seconds, whatever the transport), is taken for dead: a frozen or unplugged server shows no other sign
   * (issue 24, point 5). Its requests fail at once (views fall back to HTTP, sends wait in the outbox) and a new
   * socket is tried. Checked every `silenceCheckMs`.
   */
  silenceLimitMs: 9 * 1000,
  silenceCheckMs: 1000,
  /**
   * Reconnection backoff, full jitter: the n-th attempt waits a random time in [0, min(cap, base · 2^(n-1))]: first
   * window 0.5 seconds, doubling, capped at 3 seconds (issue 24, point 6). However long the server was away, a client
   * is back within about 3 s of it answering again (with 30 s, a student waited 20 s after a restart), and a thousand
   * clients come back spread over those 3 s, not in one instant (about 330 a second each second of an outage).
   */
  backoffBaseMs: 500,
  backoffCapMs: 3 * 1000,
  /** After this many failed attempts in a row the state reads `offline` (attempts continue). */
  offlineAfterAttempts: 4,
  /**
   * Requests awaiting a reply on one socket, at most (issue 24, point 12): the bridge allows 64 handlers per socket,
   * replies awaited and registrations alike, and refuses beyond; more requests wait here, in order, and go as replies
   * come back (a flush of 200 queued messages arrives complete and in order).
   */
  maxInFlight: 48,
  /** Default reply timeout for `request()`: 10 seconds. */
  requestTimeoutMs: 10 * 1000,
  /** Source of randomness for the jitter (tests make it deterministic). */
  random: Math.random,
  /** Reports whether the browser believes it is online. */
  isOnline: () => globalThis.navigator?.onLine !== false,
  /** Where `online`/`offline` events come from (null to ignore them). */
  networkEvents: typeof window !== 'undefined' ? window : null,
  /** Makes reply addresses; unique per request. */
  newReplyAddress: undefined,
  /** A live WebSocket that drops this many times within `wsDropWindowMs` is left out for a while. */
  wsDropLimit: 3,
  wsDropWindowMs: 2 * 60 * 1000,
  /** How long the WebSocket is left out the first time (doubling each time in a row, up to the cap). */
  wsAvoidMs: 60 * 1000,
  wsAvoidCapMs: 15 * 60 * 1000,
  /** Whether this browser has WebSocket at all (without it SockJS never tries one: nothing to avoid or probe). */
  webSocketSupported: () => typeof globalThis.WebSocket === 'function',
  /** The clock (milliseconds), for the WebSocket bookkeeping. */
  now: () => Date.now(),
});


/** SockJS's transports other than `websocket` (its names; `iframe-*` wrap the others). */
export const HTTP_TRANSPORTS = Object.freeze([
  'xhr-streaming', 'xdr-streaming', 'eventsource', 'iframe-eventsource', 'htmlfile', 'iframe-htmlfile',
  'xhr-polling', 'xdr-polling', 'iframe-xhr-polling', 'jsonp-polling',
]);

const STREAMING = new Set(['xhr-streaming', 'xdr-streaming', 'eventsource', 'iframe-eventsource', 'htmlfile', 'iframe-htmlfile']);

/**
 * What kind of transport a SockJS transport name is: `websocket`, `http-streaming`, `http-polling`, or null
 * (none, or unknown).
 */
export function transportKind(name) {
  if (!name) return null;
  if (name === 'websocket') return 'websocket';
  if (STREAMING.has(name)) return 'http-streaming';
  if (/polling/.test(name)) return 'http-polling';
  return null;
}

/** Codes that mean "the transport failed", not "the server said no": safe to retry over HTTP. */
export const TRANSPORT_FAILURES = Object.freeze(['not_connected', 'disconnected', 'timeout', 'unavailable', 'closed']);

/**
 * The error a request rejects with. `code` is a string (`forbidden`, `timeout`, `disconnected`…);
 * `failureCode` is the bridge's numeric failure code when the server failed the command.
 */
export class BusError extends Error {
  constructor(message, { code, failureCode, failureType, address, retryAfterMs = null, tokenEveryMs = null } = {}) {
    super(message);
    this.name = 'BusError';
    this.code = code;
    this.failureCode = failureCode;
    this.failureType = failureType;
    this.address = address;
    /** For `too_many_requests`: how long the server said to wait before the next try (ms), or null. */
    this.retryAfterMs = retryAfterMs;
    /** For `too_many_requests`: how often the refused budget gets a token back (ms), or null. */
    this.tokenEveryMs = tokenEveryMs;
  }

  /** True when the request may not have reached the server and can be retried another way. */
  get isTransportFailure() {
    return TRANSPORT_FAILURES.includes(this.code);
  }
}

let replyCounter = 0;
function defaultReplyAddress() {
  const random = Math.random().toString(36).slice(2, 10);
  replyCounter += 1;
  return `reply.${Date.now().toString(36)}.${random}.${replyCounter}`;
}

export class BusClient extends EventTarget {
  #url;
  #opts;
  #sock = null;
  #state = ConnectionState.CONNECTING;
  #started = false;
  #everLive = false;
  #attempts = 0;
  #retryTimer = null;
  #pingTimer = null;
  #silenceTimer = null;
  /** Requests not sent yet: `maxInFlight` replies are awaited already. */
  #waiting = [];
  /** When the live socket was last heard from (a frame or a heartbeat), by `now()`. */
  #lastHeard = 0;
  /** address -> Set of {handler} entries (one entry per subscribe call). */
  #subscriptions = new Map();
  /** replyAddress -> {resolve, reject, timer, address} */
  #pending = new Map();
  /** The live socket's transport name (SockJS's `transport` once open), or null. */
  #transport = null;
  #liveSince = 0;
  /** When live WebSockets dropped lately (within wsDropWindowMs). */
  #wsDrops = [];
  /** The WebSocket is left out of new sockets until then (ms, `now()` clock). */
  #wsAvoidUntil = 0;
  /** How many times in a row it was left out (each time twice as long). */
  #wsAvoidLevel = 0;
  #probeTimer = null;
  /** A WebSocket-only socket opened beside a live HTTP one, to move back to WebSocket. */
  #probe = null;

  /**
   * @param {string} url the bridge URL, e.g. `/eventbus`
   * @param {Partial<typeof DEFAULTS>} [options]
   */
  constructor(url, options = {}) {
    super();
    this.#url = url;
    this.#opts = { ...DEFAULTS, ...options };
    if (!this.#opts.SockJS) this.#opts.SockJS = globalThis.SockJS;
    if (!this.#opts.newReplyAddress) this.#opts.newReplyAddress = defaultReplyAddress;
  }

  /** One of `connecting | live | reconnecting | offline`. */
  get state() {
    return this.#state;
  }

  get isLive() {
    return this.#state === ConnectionState.LIVE;
  }

  /**
   * The live socket's transport as SockJS names it (`websocket`, `xhr-streaming`, `xhr-polling`, `eventsource`…),
   * or null when not live. {@link transportKind} sorts it.
   */
  get transport() {
    return this.#transport;
  }

  /** Whether new sockets are created without the WebSocket transport (it kept failing lately). */
  get webSocketAvoided() {
    return this.#opts.now() < this.#wsAvoidUntil;
  }

  /** Failed connection attempts since the last successful open. */
  get failedAttempts() {
    return this.#attempts;
  }

  /**
   * True when the live channel is down for real: not live, and not merely opening for the first time
   * (so the UI does not flash a warning on every page load).
   */
  get isDown() {
    return this.#state !== ConnectionState.LIVE && (this.#state !== ConnectionState.CONNECTING || this.#attempts > 0);
  }

  /** Opens the first socket. Idempotent. */
  start() {
    if (this.#started) return this;
    this.#started = true;
    const net = this.#opts.networkEvents;
    if (net) {
      net.addEventListener('online', this.#handleOnline);
      net.addEventListener('offline', this.#handleOffline);
    }
    this.#connect();
    return this;
  }

  /** Closes for good: no more reconnection, pending requests reject with code `closed`. */
  close() {
    if (!this.#started) return;
    this.#started = false;
    const net = this.#opts.networkEvents;
    if (net) {
      net.removeEventListener('online', this.#handleOnline);
      net.removeEventListener('offline', this.#handleOffline);
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    clearTimeout(this.#probeTimer);
    this.#probeTimer = null;
    this.#dropProbe();
    this.#stopPing();
    this.#dropSocket();
    this.#rejectPending('closed', 'The connection was closed');
    this.#setState(ConnectionState.OFFLINE);
  }

  /** Skips the backoff wait and tries to connect now (no-op while live). */
  retryNow() {
    if (!this.#started || this.#state === ConnectionState.LIVE) return;
    this.#dropSocket(); // an attempt still in progress may be stuck on a slow transport
    this.#setState(this.#everLive ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING);
    this.#connect();
  }

  /**
   * Tries the WebSocket again at once, even if it was left out lately: beside the live HTTP socket when live
   * (moving to it once it opens), else as a new attempt. No-op when live over WebSocket already.
   */
  retryWebSocket() {
    if (!this.#started) return;
    this.#wsAvoidUntil = 0;
    this.#wsDrops = [];
    clearTimeout(this.#probeTimer);
    this.#probeTimer = null;
    if (this.#state === ConnectionState.LIVE) this.#probeWebSocket();
    else this.retryNow();
  }

  /**
   * Sends `body` to `address` and resolves with the reply's body.
   * Rejects with a {@link BusError}: the server's failure (`code` from `failureCode`), `timeout`,
   * `not_connected` (not live when called) or `disconnected` (the socket closed before the reply).
   */
  request(address, body, { timeout = this.#opts.requestTimeoutMs } = {}) {
    if (this.#state !== ConnectionState.LIVE || !this.#sock) {
      return Promise.reject(new BusError('Not connected to the live channel', { code: 'not_connected', address }));
    }
    const replyAddress = this.#opts.newReplyAddress();
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, address, body, replyAddress, timer: null };
      entry.timer = setTimeout(() => {
        this.#pending.delete(replyAddress);
        const waiting = this.#waiting.indexOf(entry);
        if (waiting >= 0) this.#waiting.splice(waiting, 1);
        reject(new BusError(`No reply from ${address} within ${timeout} ms`, { code: 'timeout', address }));
        this.#drainWaiting();
      }, timeout);
      if (this.#pending.size < this.#opts.maxInFlight && this.#waiting.length === 0) this.#dispatch(entry);
      else this.#waiting.push(entry);
    });
  }

  /** Number of requests waiting for room under `maxInFlight` (for tests and diagnostics). */
  get waitingRequests() {
    return this.#waiting.length;
  }

  #dispatch(entry) {
    this.#pending.set(entry.replyAddress, entry);
    if (!this.#write({ type: 'send', address: entry.address, body: entry.body, replyAddress: entry.replyAddress })) {
      this.#settle(entry.replyAddress)?.reject(new BusError('The live channel is closing', { code: 'disconnected', address: entry.address }));
    }
  }

  /** Sends waiting requests, oldest first, while there is room. */
  #drainWaiting() {
    while (this.#waiting.length > 0 && this.#pending.size < this.#opts.maxInFlight && this.#sock
      && this.#state === ConnectionState.LIVE) {
      this.#dispatch(this.#waiting.shift());
    }
  }

  /**
   * Calls `handler(body, frame)` for every message on `address`, now and after reconnections.
   * @returns {() => void} unsubscribe
   */
  subscribe(address, handler) {
    let entries = this.#subscriptions.get(address);
    if (!entries) {
      entries = new Set();
      this.#subscriptions.set(address, entries);
      if (this.#state === ConnectionState.LIVE) this.#write({ type: 'register', address });
    }
    const entry = { handler };
    entries.add(entry);
    return () => {
      if (!entries.delete(entry) || entries.size > 0) return;
      if (this.#subscriptions.get(address) !== entries) return;
      this.#subscriptions.delete(address);
      if (this.#state === ConnectionState.LIVE) this.#write({ type: 'unregister', address });
    };
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  #connect() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const wsAllowed = this.#opts.webSocketSupported() && !this.webSocketAvoided;
    let sock;
    try {
      sock = new this.#opts.SockJS(this.#url, null, this.#socketOptions(wsAllowed ? null : HTTP_TRANSPORTS));
    } catch (error) {
      console.warn('[bus] cannot create socket', error);
      this.#handleClosed();
      return;
    }
    this.#sock = sock;
    // Each handler checks it still belongs to the current socket: retryNow() abandons attempts.
    sock.onopen = () => {
      if (sock === this.#sock) this.#handleOpen(sock, wsAllowed);
    };
    this.#attach(sock);
  }

  /** SockJS's options, with its `transports` limited to `only` (when given). */
  #socketOptions(only) {
    const base = this.#opts.sockjsOptions;
    if (!only) return base;
    const wanted = base?.transports ? [].concat(base.transports).filter((t) => only.includes(t)) : [...only];
    return { ...base, transports: wanted.length > 0 ? wanted : [...only] };
  }

  /** Frames and the close of the current socket. */
  #attach(sock) {
    sock.onmessage = (event) => {
      if (sock !== this.#sock) return;
      this.#lastHeard = this.#opts.now();
      this.#handleFrame(event.data);
    };
    // SockJS reports the server's heartbeat frames as an event of their own.
    sock.addEventListener?.('heartbeat', () => {
      if (sock === this.#sock) this.#lastHeard = this.#opts.now();
    });
    sock.onclose = () => {
      if (sock !== this.#sock) return;
      this.#sock = null;
      this.#noteDrop();
      this.#handleClosed();
    };
  }

  #handleOpen(sock, wsAllowed) {
    const wasLive = this.#everLive;
    this.#everLive = true;
    this.#attempts = 0;
    // Register before anyone hears about the new socket: their catch-up fetch must come after.
    for (const address of this.#subscriptions.keys()) this.#write({ type: 'register', address });
    this.#startPing();
    this.#liveSince = this.#opts.now();
    this.#setTransport(typeof sock.transport === 'string' ? sock.transport : null);
    // SockJS fell back to HTTP although the WebSocket was allowed: it could not be opened. Leave it out of the
    // next sockets for a while (no wasted round trip on each reconnection), then try it again.
    if (wsAllowed && this.#transport && this.#transport !== 'websocket') this.#avoidWebSocket();
    this.#setState(ConnectionState.LIVE);
    if (wasLive) this.dispatchEvent(new Event('reconnected'));
  }

  /** A live socket closed: a WebSocket that keeps dropping is left out for a while. */
  #noteDrop() {
    if (this.#state !== ConnectionState.LIVE || this.#transport !== 'websocket') return;
    const now = this.#opts.now();
    const span = this.#opts.wsDropWindowMs;
    if (now - this.#liveSince >= span) this.#wsAvoidLevel = 0; // it held for a good while: start afresh
    this.#wsDrops = this.#wsDrops.filter((t) => now - t < span);
    this.#wsDrops.push(now);
    if (this.#wsDrops.length >= this.#opts.wsDropLimit) this.#avoidWebSocket();
  }

  #avoidWebSocket() {
    if (!this.#opts.webSocketSupported()) return;
    const { wsAvoidMs, wsAvoidCapMs, now } = this.#opts;
    this.#wsAvoidLevel += 1;
    const period = Math.min(wsAvoidCapMs, wsAvoidMs * 2 ** (this.#wsAvoidLevel - 1));
    this.#wsAvoidUntil = now() + period;
    this.#wsDrops = [];
    clearTimeout(this.#probeTimer);
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = null;
      this.#probeWebSocket();
    }, period);
  }

  /**
   * Opens a WebSocket-only socket beside the live HTTP one; once it opens it becomes the live socket (addresses
   * registered on it first, then the old one closed and `reconnected` fired, so views catch up what passed in
   * between). When it fails, the WebSocket stays out for longer. Not live: the next attempt includes it anyway.
   */
  #probeWebSocket() {
    if (!this.#started || this.#state !== ConnectionState.LIVE || this.#transport === 'websocket' || this.#probe) return;
    let probe;
    try {
      probe = new this.#opts.SockJS(this.#url, null, this.#socketOptions(['websocket']));
    } catch (error) {
      console.warn('[bus] cannot create a WebSocket', error);
      this.#avoidWebSocket();
      return;
    }
    this.#probe = probe;
    probe.onopen = () => {
      if (probe !== this.#probe) return;
      this.#probe = null;
      if (!this.#started || this.#state !== ConnectionState.LIVE) {
        closeQuietly(probe);
        return;
      }
      const old = this.#sock;
      this.#sock = probe;
      this.#attach(probe);
      this.#stopPing();
      this.#rejectPending('disconnected', 'The live connection moved to another transport');
      this.#handleOpen(probe, true);
      closeQuietly(old); // after the addresses are registered on the new one: no moment without them
    };
    probe.onclose = () => {
      if (probe !== this.#probe) return;
      this.#probe = null;
      this.#avoidWebSocket(); // still failing: stay on HTTP for longer
    };
  }

  #dropProbe() {
    const probe = this.#probe;
    if (!probe) return;
    this.#probe = null;
    closeQuietly(probe);
  }

  #setTransport(transport) {
    if (transport === this.#transport) return;
    this.#transport = transport;
    this.dispatchEvent(new CustomEvent('transportchange', { detail: { transport } }));
  }

  #handleClosed() {
    this.#stopPing();
    this.#dropProbe();
    this.#setTransport(null);
    this.#rejectPending('disconnected', 'The live connection was lost before the reply arrived');
    if (!this.#started) return;
    this.#attempts += 1;
    const offline = !this.#opts.isOnline() || this.#attempts >= this.#opts.offlineAfterAttempts;
    if (offline) this.#setState(ConnectionState.OFFLINE);
    else this.#setState(this.#everLive ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING);
    const delayMs = this.#scheduleReconnect();
    this.dispatchEvent(new CustomEvent('attemptfailed', { detail: { attempts: this.#attempts, delayMs } }));
  }

  #scheduleReconnect() {
    clearTimeout(this.#retryTimer);
    const { backoffBaseMs, backoffCapMs, random } = this.#opts;
    // "Full jitter": uniform in [0, min(cap, base * 2^(attempt-1))], spreads a crowd of clients
    // that all lost the same node.
    const ceiling = Math.min(backoffCapMs, backoffBaseMs * 2 ** Math.max(0, this.#attempts - 1));
    const delay = Math.round(random() * ceiling);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#started) this.#connect();
    }, delay);
    return delay;
  }

  /** Closes the current socket (if any) without triggering the reconnection logic. */
  #dropSocket() {
    const sock = this.#sock;
    if (!sock) return;
    this.#sock = null;
    this.#stopPing();
    this.#setTransport(null);
    closeQuietly(sock);
    this.#rejectPending('disconnected', 'The live connection was reset');
  }

  #handleOnline = () => {
    if (this.#started && this.#state !== ConnectionState.LIVE) this.retryNow();
  };

  #handleOffline = () => {
    if (!this.#started) return;
    if (this.#sock && this.#state === ConnectionState.LIVE) {
      // The socket is almost certainly dead; close it so requests fail fast and fall back.
      const sock = this.#sock;
      this.#sock = null;
      try {
        sock.close();
      } catch {
        // Already closed.
      }
      this.#handleClosed();
    } else {
      this.#setState(ConnectionState.OFFLINE);
    }
  };

  /** Pings the bridge (it closes sockets silent for 30 s) and watches for a server gone silent. */
  #startPing() {
    this.#stopPing();
    this.#pingTimer = setInterval(() => this.#write({ type: 'ping' }), this.#opts.pingIntervalMs);
    this.#lastHeard = this.#opts.now();
    this.#silenceTimer = setInterval(() => this.#checkSilence(), this.#opts.silenceCheckMs);
  }

  #stopPing() {
    clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    clearInterval(this.#silenceTimer);
    this.#silenceTimer = null;
  }

  /**
   * A live socket silent past `silenceLimitMs`: the server is frozen or the network is gone without a word. The socket
   * is abandoned at once (not closed politely: a frozen peer would never finish the closing handshake), its requests
   * reject with `disconnected`, and reconnection starts, so the status says "Reconnecting" within seconds.
   */
  #checkSilence() {
    const sock = this.#sock;
    if (!sock || this.#state !== ConnectionState.LIVE) return;
    const silentFor = this.#opts.now() - this.#lastHeard;
    if (silentFor <= this.#opts.silenceLimitMs) return;
    console.warn(`[bus] no word from the server for ${silentFor} ms: reconnecting`);
    this.#sock = null;
    closeQuietly(sock);
    this.dispatchEvent(new CustomEvent('silent', { detail: { silentFor } }));
    this.#handleClosed();
  }

  #setState(state) {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.dispatchEvent(new CustomEvent('statechange', { detail: { state, previous } }));
  }

  // ---- frames ---------------------------------------------------------------------------------

  #write(frame) {
    const sock = this.#sock;
    if (!sock) return false;
    try {
      sock.send(JSON.stringify(frame));
      return true;
    } catch (error) {
      console.warn('[bus] send failed', error);
      return false;
    }
  }

  #handleFrame(data) {
    let frame;
    try {
      frame = typeof data === 'string' ? JSON.parse(data) : data;
    } catch {
      console.warn('[bus] ignoring a frame that is not JSON');
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'rec') {
      const pending = this.#settle(frame.address);
      if (pending) {
        pending.resolve(frame.body);
        return;
      }
      const entries = this.#subscriptions.get(frame.address);
      if (!entries) return;
      for (const entry of [...entries]) {
        try {
          entry.handler(frame.body, frame);
        } catch (error) {
          // One broken handler must not starve the others.
          console.error('[bus] handler failed', error);
        }
      }
    } else if (frame.type === 'err') {
      const pending = frame.address ? this.#settle(frame.address) : null;
      if (pending) {
        pending.reject(errorFromFrame(frame, pending.address));
      } else {
        this.dispatchEvent(new CustomEvent('buserror', { detail: frame }));
      }
    }
    // `pong` and anything else: nothing to do.
  }

  #settle(replyAddress) {
    const pending = replyAddress ? this.#pending.get(replyAddress) : undefined;
    if (!pending) return undefined;
    this.#pending.delete(replyAddress);
    clearTimeout(pending.timer);
    // Room for the next waiting request, once this one's caller has heard (a microtask later).
    queueMicrotask(() => this.#drainWaiting());
    return pending;
  }

  /** The socket is gone: every request, sent or waiting, fails with `code` (callers fall back or retry). */
  #rejectPending(code, message) {
    const all = [...this.#pending.values(), ...this.#waiting];
    this.#pending.clear();
    this.#waiting = [];
    for (const pending of all) {
      clearTimeout(pending.timer);
      pending.reject(new BusError(message, { code, address: pending.address }));
    }
  }
}

function closeQuietly(sock) {
  if (!sock) return;
  try {
    sock.close();
  } catch {
    // Already closed.
  }
}

function errorFromFrame(frame, address) {
  const failureCode = typeof frame.failureCode === 'number' ? frame.failureCode : undefined;
  let code = codeForStatus(failureCode);
  if (frame.failureType === 'NO_HANDLERS') code = 'unavailable';
  else if (frame.failureType === 'TIMEOUT') code = 'timeout';
  const message = frame.message || (typeof frame.body === 'string' ? frame.body : '') || 'The request failed';
  const retryAfterMs = Number.isFinite(frame.retryAfter) && frame.retryAfter >= 0 ? frame.retryAfter : null;
  const tokenEveryMs = Number.isFinite(frame.tokenEvery) && frame.tokenEvery > 0 ? frame.tokenEvery : null;
  return new BusError(message, {
    code: code ?? 'failed', failureCode, failureType: frame.failureType, address, retryAfterMs, tokenEveryMs,
  });
}
