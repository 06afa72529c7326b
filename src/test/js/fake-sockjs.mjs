/** A scriptable stand-in for SockJS: tests open, close and feed frames by hand. */
export function createFakeSockJS() {
  const sockets = [];
  class FakeSockJS {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closed = false;
      sockets.push(this);
    }
    send(data) {
      if (this.closed) throw new Error('closed');
      this.sent.push(JSON.parse(data));
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      this.onclose?.({ code: 1000 });
    }
    // test helpers
    open() {
      this.onopen?.();
    }
    receive(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }
    drop() {
      this.closed = true;
      this.onclose?.({ code: 1006 });
    }
    framesOfType(type) {
      return this.sent.filter((f) => f.type === type);
    }
  }
  return { FakeSockJS, sockets, last: () => sockets[sockets.length - 1] };
}
