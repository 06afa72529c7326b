/** A scriptable stand-in for SockJS: tests open, close and feed frames by hand. */
export function createFakeSockJS() {
  const sockets = [];
  class FakeSockJS {
    constructor(url, protocols, options) {
      this.url = url;
      this.options = options;
      this.transport = null;
      this.sent = [];
      this.closed = false;
      sockets.push(this);
    }
    addEventListener(type, listener) {
      (this.listeners ??= []).push({ type, listener });
    }
    send(data) {
      if (this.closed) throw new Error('closed');
      this.sent.push(JSON.parse(data));
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      this.transport = null;
      this.onclose?.({ code: 1000 });
    }
    // test helpers
    /** Opens over `transport` (SockJS sets `transport` to the transport's name when it opens). */
    open(transport = 'websocket') {
      this.transport = transport;
      this.onopen?.();
    }
    /** A SockJS heartbeat frame from the server (SockJS reports it as an event, not a message). */
    heartbeat() {
      for (const { type, listener } of this.listeners ?? []) if (type === 'heartbeat') listener(new Event('heartbeat'));
    }
    receive(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }
    drop() {
      this.closed = true;
      this.transport = null;
      this.onclose?.({ code: 1006 });
    }
    framesOfType(type) {
      return this.sent.filter((f) => f.type === type);
    }
  }
  return { FakeSockJS, sockets, last: () => sockets[sockets.length - 1] };
}
