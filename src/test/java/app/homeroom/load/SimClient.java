package app.homeroom.load;

import app.homeroom.chat.ChatService;
import io.vertx.core.Context;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * One simulated browser tab: one WebSocket to one node, speaking SockJS + the bridge as the web client does
 * (webroot/lib/bus-client.js): register its inboxes, fetch its conversation, ping every few seconds, send
 * messages, typing events and read acknowledgements, and on a lost socket reconnect with jittered exponential
 * backoff, register again, catch up ({@code after=<last seq>}) and resend what was not acknowledged with the same
 * clientMsgId. When a connection is refused and the run has several nodes, it tries the next node.
 *
 * <p>All of a client's state belongs to its event loop ({@link #ctx}); the pacer hands it work with
 * {@code runOnContext}. Only {@link #live} is read from other threads. Per-connection memory on the generator is a
 * few small fields besides Vert.x's own connection (measured in the idle scenario's report).
 */
final class SimClient {

  static final String SEND = "chat.message.send";
  static final String FETCH = "chat.messages.fetch";
  static final String TYPING = "chat.typing";
  static final String READ = "chat.conversation.read";

  final LoadRun run;
  final int index;
  final boolean admin;
  /** This client's recipient number in the ledger: 0 for a student, 1 + a for admin a. */
  final int bit;
  /** The student's index (students), or -1 (admins). */
  final int student;
  final Population.Person person;
  /** The node this client connects to; the next one of the run's targets after a refused connection (failover). */
  LoadRun.Target target;
  final Context ctx;

  private WebSocket ws;
  volatile boolean live;
  private boolean open;
  private boolean connecting;
  private int attempts;
  private long connectStart;
  /** When the current outage began (a drop or an unexpected close), 0 when none. */
  private long downSince;
  private boolean everReady;
  private boolean handshakeDone;
  /** Student: highest seq seen in their conversation. */
  private long lastSeq;
  /** Admin: highest seq seen per student (by index). */
  private final long[] seqByStudent;
  /** Sent and not acknowledged (kept only when the run retries sends after a reconnect). */
  private final List<Ledger.Msg> unacked;
  /** Sends made while the socket was down (reconnect scenario), written once it is back. */
  private final ArrayDeque<Ledger.Msg> outbox;
  private int catchUpsPending;
  private Runnable catchUpDone;
  /**
   * Catch-up pages still to ask for, {studentIndex, after}, asked one at a time as the web client reads its pages:
   * the node reads one user's pages one at a time anyway (common/UserLines), and 40 conversations asked for at once
   * would overdraw the read budget (60 tokens) into refusals, and 10 refusals close the socket for abuse.
   */
  private final ArrayDeque<long[]> catchUpQueue = new ArrayDeque<>();
  /** The catch-up page asked for and not answered yet, or null. */
  private long[] catchUpAsked;
  /** Counts sockets: a retry timer of an earlier socket's page does nothing (the page was queued again). */
  private int socketGeneration;
  /**
   * Requests written on the current socket whose reply has not come. The bridge allows 64 handlers per socket
   * (registrations plus pending replies) and refuses the next request with an error that names no reply address, so
   * the request could never be matched to it. As a browser tab that keeps its requests within the server's limit,
   * a client keeps at most {@link #WINDOW} unanswered; the rest wait here, in order, and go out as replies come.
   * Their latency still counts from when they were due: the waiting is the server being slow.
   */
  private int awaiting;
  private final ArrayDeque<String> held = new ArrayDeque<>();
  static final int WINDOW = 48;

  SimClient(LoadRun run, int index, boolean admin, int bit, int student, Population.Person person,
            LoadRun.Target target, Context ctx) {
    this.run = run;
    this.index = index;
    this.admin = admin;
    this.bit = bit;
    this.student = student;
    this.person = person;
    this.target = target;
    this.ctx = ctx;
    this.seqByStudent = admin ? new long[run.population().students().size()] : null;
    this.unacked = run.retrySends() ? new ArrayList<>(4) : null;
    this.outbox = run.retrySends() ? new ArrayDeque<>(2) : null;
  }

  boolean isOpen() {
    return open;
  }

  // ---- connection ----------------------------------------------------------------------------------------------

  void connect() {
    if (connecting || ws != null || run.stopping()) {
      return;
    }
    connecting = true;
    connectStart = System.nanoTime();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(target.host()).setPort(target.port()).setSsl(target.ssl())
        .setURI("/eventbus/" + r.nextInt(100, 1000) + "/" + Long.toString(r.nextLong() >>> 1, 36) + "/websocket")
        .setAllowOriginHeader(false)
        .addHeader("origin", target.origin())
        .setTimeout(20_000);
    if (person.cookie() != null) {
      options.addHeader("cookie", person.cookie());
    }
    String what = everReady ? "reconnect" : "connect";
    run.ledger().commandSent(what, connectStart);
    run.wsClient().connect(options).onComplete(ar -> {
      if (!handshakeDone) {
        handshakeDone = true;
        run.firstHandshakeDone();
      }
      connecting = false;
      if (ar.failed()) {
        run.ledger().commandReplied(what, connectStart, false, describe(ar.cause()), System.nanoTime());
        // As a client that knows several nodes (or a load balancer that stops sending to a dead one): try the next.
        target = run.nextTarget(target);
        retryLater();
        return;
      }
      WebSocket socket = ar.result();
      if (run.stopping()) {
        socket.close();
        return;
      }
      ws = socket;
      socket.textMessageHandler(text -> {
        if (ws == socket) {
          onText(text);
        }
      });
      socket.closeHandler(v -> {
        if (ws == socket) {
          onClosed();
        }
      });
      socket.exceptionHandler(err -> run.ledger().error("socket: " + describe(err), System.nanoTime()));
    });
  }

  /** Drops the socket on purpose (reconnect scenario) and reconnects after a jittered delay. */
  void drop(long now) {
    if (ws == null) {
      return;
    }
    WebSocket old = ws;
    ws = null;
    setLive(false);
    if (open) {
      open = false;
      run.closed();
    }
    downSince = now;
    attempts = 0;
    old.close();
    retryLater();
  }

  void close() {
    if (ws != null) {
      WebSocket old = ws;
      ws = null;
      setLive(false);
      if (open) {
        open = false;
        run.closed();
      }
      old.close();
    }
  }

  private void onClosed() {
    ws = null;
    setLive(false);
    if (open) {
      open = false;
      run.closed();
    }
    if (run.stopping()) {
      return;
    }
    run.ledger().error("socket closed by the server or the network", System.nanoTime());
    if (downSince == 0) {
      downSince = System.nanoTime();
    }
    retryLater();
  }

  /** Full-jitter exponential backoff, as webroot/lib/bus-client.js: random in [0, min(cap, base * 2^(n-1))]. */
  private void retryLater() {
    if (run.stopping()) {
      return;
    }
    attempts++;
    double ceiling = Math.min(run.options().backoffCap.toMillis(),
        run.options().backoffBase.toMillis() * Math.pow(2, Math.max(0, attempts - 1)));
    long delay = Math.max(1, Math.round(ThreadLocalRandom.current().nextDouble() * ceiling));
    run.vertx().setTimer(delay, id -> ctx.runOnContext(v -> connect()));
  }

  private void setLive(boolean value) {
    if (live != value) {
      live = value;
      run.liveChanged(this, value);
    }
  }

  private void onOpen() {
    resetWindow();
    open = true;
    run.opened();
    write(Frames.register("user." + person.userId()));
    if (admin) {
      write(Frames.register("role.admin"));
      // A request answered after the registrations were handled: from then on this admin gets every event.
      Population.Person first = run.population().students().get(0);
      fetch(first.conversationId(), -1, 1, 'c', 0);
    } else if (lastSeq > 0) {
      fetch(person.conversationId(), lastSeq, 200, 'c', student);
    } else {
      fetch(person.conversationId(), -1, run.options().fetchLimit, 'c', student);
    }
  }

  /** Registered and caught up: events reach this client from now on. */
  private void ready(long now) {
    attempts = 0;
    boolean reconnect = everReady;
    everReady = true;
    run.ledger().commandReplied(reconnect ? "reconnect" : "connect", reconnect && downSince != 0 ? downSince : connectStart,
        true, null, now);
    if (downSince != 0) {
      run.back(this, downSince, now);
      downSince = 0;
    }
    setLive(true);
    run.ready(this, reconnect);
    if (unacked != null) {
      for (Ledger.Msg m : List.copyOf(unacked)) {
        run.ledger().retried(m);
        writeMessage(m);
      }
    }
    if (outbox != null) {
      while (!outbox.isEmpty()) {
        writeMessage(outbox.poll());
      }
    }
    if (admin && reconnect && run.retrySends()) {
      catchUp(run.missingFor(this), null);
    }
    nextCatchUp();
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  /** A new message to the conversation of student {@code to} (a student always writes to their own). */
  void sendMessage(int to) {
    long now = System.nanoTime();
    int s = admin ? to : student;
    Population.Person p = run.population().students().get(s);
    String id = uuid();
    Ledger.Msg m = run.ledger().sent(id, bit, s, p.conversationId(), run.expected(this, s), now);
    if (ws != null && open && live) {
      writeMessage(m);
    } else if (outbox != null) {
      outbox.add(m);
    } else {
      run.ledger().failed(id, "not connected", now);
    }
  }

  private void writeMessage(Ledger.Msg m) {
    if (unacked != null && !unacked.contains(m)) {
      unacked.add(m);
    }
    // The bridge refuses reply addresses over 36 characters: the clientMsgId (a UUID) is the reply address.
    request(Frames.send(SEND, m.id, Frames.messageBody(m.conversationId, m.id, run.body(m.id))));
  }

  void sendTyping() {
    if (!live) {
      return;
    }
    long conversation = admin ? randomStudent().conversationId() : person.conversationId();
    long now = System.nanoTime();
    run.ledger().commandSent("typing", now);
    request(Frames.send(TYPING, "t." + now, "{\"conversationId\":" + conversation + "}"));
  }

  /** A read acknowledgement up to the newest message seen; false when there is nothing to acknowledge yet. */
  boolean sendRead() {
    if (!live) {
      return false;
    }
    long conversation;
    long seq;
    if (admin) {
      int s = -1;
      for (int tries = 0; tries < 8 && s < 0; tries++) {
        int i = ThreadLocalRandom.current().nextInt(seqByStudent.length);
        if (seqByStudent[i] > 0) {
          s = i;
        }
      }
      if (s < 0) {
        return false;
      }
      conversation = run.population().students().get(s).conversationId();
      seq = seqByStudent[s];
    } else {
      if (lastSeq <= 0) {
        return false;
      }
      conversation = person.conversationId();
      seq = lastSeq;
    }
    long now = System.nanoTime();
    run.ledger().commandSent("read", now);
    request(Frames.send(READ, "r." + now, "{\"conversationId\":" + conversation + ",\"seq\":" + seq + "}"));
    return true;
  }

  void ping() {
    if (ws != null && open) {
      write(Frames.ping());
    }
  }

  /**
   * Fetches the messages of the conversations this client misses ({@code studentIndex -> lowest missing seq}),
   * page by page; {@code done} runs when every reply is in.
   */
  void catchUp(Map<Integer, Long> missing, Runnable done) {
    if (ws == null || !open || missing.isEmpty()) {
      if (done != null) {
        done.run();
      }
      return;
    }
    catchUpDone = done;
    catchUpsPending += missing.size();
    missing.forEach((s, seq) -> catchUpQueue.add(new long[] {s, Math.max(0, seq - 1)}));
    nextCatchUp();
  }

  /** Asks for the next catch-up page when none is out. Pages of the web client's size: one read token each. */
  private void nextCatchUp() {
    if (catchUpAsked != null || catchUpQueue.isEmpty() || ws == null || !open) {
      return;
    }
    askCatchUp(catchUpQueue.poll());
  }

  /** Asks for one catch-up page, {studentIndex, after}: the one out until its answer. */
  private void askCatchUp(long[] page) {
    catchUpAsked = page;
    int s = (int) page[0];
    fetch(run.population().students().get(s).conversationId(), page[1], ChatService.DEFAULT_PAGE, 'k', s);
  }

  /** The catch-up page out was refused for the read budget: ask again when the node says a token is back. */
  private void retryCatchUpAfter(long ms) {
    int generation = socketGeneration;
    long[] page = catchUpAsked;
    run.vertx().setTimer(Math.max(1, ms), id -> ctx.runOnContext(v -> {
      if (generation == socketGeneration && catchUpAsked == page && ws != null && open) {
        askCatchUp(page);
      }
    }));
  }

  /** One conversation caught up (or given up on): the next one's page goes. */
  private void catchUpFinished() {
    catchUpAsked = null;
    catchUpReplied();
    nextCatchUp();
  }

  private void fetch(long conversationId, long after, int limit, char purpose, int studentIndex) {
    long now = System.nanoTime();
    run.ledger().commandSent("fetch", now);
    String body = "{\"conversationId\":" + conversationId + (after >= 0 ? ",\"after\":" + after : "") + ",\"limit\":"
        + limit + "}";
    request(Frames.send(FETCH, "f." + now + "." + purpose + "." + studentIndex, body));
  }

  /** A frame that expects a reply: written now while the window has room, else held until a reply comes. */
  private void request(String frame) {
    if (awaiting < WINDOW) {
      awaiting++;
      write(frame);
    } else {
      held.add(frame);
    }
  }

  /** A reply came: one more request may go out. */
  private void replied() {
    if (awaiting > 0) {
      awaiting--;
    }
    while (awaiting < WINDOW && !held.isEmpty()) {
      awaiting++;
      write(held.poll());
    }
  }

  /** A new socket: nothing is pending on it, and what was held for the old one is gone with it. */
  private void resetWindow() {
    awaiting = 0;
    held.clear();
    socketGeneration++;
    // A catch-up page the old socket lost is asked for again once this one is ready.
    if (catchUpAsked != null) {
      catchUpQueue.addFirst(catchUpAsked);
      catchUpAsked = null;
    }
  }

  private void write(String frame) {
    WebSocket socket = ws;
    if (socket != null) {
      socket.writeTextMessage(frame);
    }
  }

  // ---- receiving -----------------------------------------------------------------------------------------------

  private void onText(String text) {
    if (text.isEmpty()) {
      return;
    }
    switch (text.charAt(0)) {
      case 'o' -> onOpen();
      case 'h' -> run.event("sockjs heartbeat");
      case 'c' -> run.ledger().error("sockjs close frame " + text, System.nanoTime());
      case 'a' -> {
        for (Frames.Inbound in : Frames.decode(text)) {
          dispatch(in);
        }
      }
      default -> run.ledger().error("unexpected frame", System.nanoTime());
    }
  }

  private void dispatch(Frames.Inbound in) {
    long now = System.nanoTime();
    String address = in.address;
    boolean ok = "rec".equals(in.type);
    if (address != null && address.length() == 36 && address.charAt(8) == '-') {
      replied();
      String id = address;
      if (ok) {
        run.ledger().acked(id, in.seq, in.duplicate, now);
      } else {
        run.ledger().failed(id, failure(in), now);
      }
      if (unacked != null) {
        unacked.removeIf(m -> m.id.equals(id));
      }
      return;
    }
    if (address != null && address.length() > 2 && address.charAt(1) == '.' && "trf".indexOf(address.charAt(0)) >= 0) {
      replied();
      switch (address.charAt(0)) {
        case 't' -> run.ledger().commandReplied("typing", Long.parseLong(address.substring(2)), ok, failure(in), now);
        case 'r' -> run.ledger().commandReplied("read", Long.parseLong(address.substring(2)), ok, failure(in), now);
        default -> onFetchReply(in, ok, now);
      }
      return;
    }
    if (!ok) {
      if (address == null) {
        // A refusal that names no reply address (max_handlers_reached, access denied) still ends one request.
        replied();
      }
      run.ledger().error("bridge: " + failure(in), now);
      return;
    }
    String type = in.eventType == null ? "(no type)" : in.eventType;
    run.event(type);
    if ("chat.message.created".equals(type)) {
      if (in.announcementId > 0) {
        // A copy of an announcement (issue 28): no send of the ledger's; its arrival is timed by the run.
        if (!admin) {
          run.announcementArrived(in.announcementId, now);
        }
        noteSeq(in.conversationId, in.seq);
        return;
      }
      onMessage(in.clientMsgId, in.conversationId, in.seq, true, now);
    }
  }

  private void onMessage(String clientMsgId, long conversationId, long seq, boolean live, long now) {
    Ledger.Delivery d = run.ledger().delivered(clientMsgId, bit, live, now);
    if (d == Ledger.Delivery.DUPLICATE) {
      run.event("duplicate delivery");
    }
    noteSeq(conversationId, seq);
  }

  /** The newest sequence seen in a conversation: what this client acknowledges as read. */
  private void noteSeq(long conversationId, long seq) {
    if (admin) {
      Integer s = run.population().studentByConversation().get(conversationId);
      if (s != null && seq > seqByStudent[s]) {
        seqByStudent[s] = seq;
      }
    } else if (conversationId == person.conversationId() && seq > lastSeq) {
      lastSeq = seq;
    }
  }

  private void onFetchReply(Frames.Inbound in, boolean ok, long now) {
    String[] parts = in.address.split("\\.");
    long sent = Long.parseLong(parts[1]);
    char purpose = parts[2].charAt(0);
    int studentIndex = Integer.parseInt(parts[3]);
    run.ledger().commandReplied("fetch", sent, ok, failure(in), now);
    if (!ok) {
      if (purpose == 'c') {
        // Cannot tell whether we are registered; count it and go on as if ready, so the run is not stuck.
        ready(now);
      } else if (in.failureCode == 429 && in.retryAfter >= 0) {
        retryCatchUpAfter(in.retryAfter);
      } else {
        catchUpFinished();
      }
      return;
    }
    JsonObject body = new JsonObject(in.raw).getJsonObject("body");
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    long conversationId = run.population().students().get(studentIndex).conversationId();
    long newest = -1;
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      long seq = m.getLong("seq", -1L);
      newest = Math.max(newest, seq);
      onMessage(m.getString("clientMsgId"), conversationId, seq, false, now);
    }
    boolean more = body.getBoolean("hasMore", false);
    boolean paging = purpose == 'k' || (purpose == 'c' && !admin && everReadyOrCatchingUp());
    if (more && paging && newest > 0) {
      if (purpose == 'k') {
        askCatchUp(new long[] {studentIndex, newest});
      } else {
        fetch(conversationId, newest, 200, purpose, studentIndex);
      }
      return;
    }
    if (purpose == 'c') {
      ready(now);
    } else {
      catchUpFinished();
    }
  }

  /** A student's connect fetch pages on only when it is a catch-up (after a known seq), not the first page. */
  private boolean everReadyOrCatchingUp() {
    return everReady || lastSeq > 0;
  }

  private void catchUpReplied() {
    if (--catchUpsPending <= 0) {
      catchUpsPending = 0;
      Runnable done = catchUpDone;
      catchUpDone = null;
      if (done != null) {
        done.run();
      }
    }
  }

  private Population.Person randomStudent() {
    List<Population.Person> all = run.population().students();
    return all.get(ThreadLocalRandom.current().nextInt(all.size()));
  }

  private static String failure(Frames.Inbound in) {
    if (in.failureCode != -1) {
      return "err " + in.failureCode + (in.failureMessage == null ? "" : " " + abbreviate(in.failureMessage));
    }
    return in.failureMessage == null ? "err" : "err " + abbreviate(in.failureMessage);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }

  static String describe(Throwable t) {
    if (t instanceof UpgradeRejectedException r) {
      return "handshake refused " + r.getStatus();
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof TimeoutException || (t.getMessage() != null && t.getMessage().toLowerCase().contains("timeout"))) {
      return "timeout";
    }
    if (t instanceof IOException) {
      return t.getClass().getSimpleName();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + abbreviate(t.getMessage()));
  }

  /** A version-4 UUID from the thread's fast random (SecureRandom would be a needless bottleneck here). */
  static String uuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }
}
