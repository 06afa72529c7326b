package app.homeroom.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bare reference the generator also measures, so Homeroom's cost reads as a ratio on a shared machine: a plain
 * Vert.x WebSocket server that speaks the same frames (SockJS's WebSocket framing around the bridge's register,
 * send, ping, rec, err) with no database, no authentication, no event bus, no SockJS session machinery.
 *
 * <p>A send to {@code chat.message.send} gets a sequence number from memory, is answered at once ({@code rec} to
 * its reply address) and pushed as a {@code chat.message.created} event to the sockets registered on {@code
 * user.<studentId>} (conversation id = student id, as {@link Population#synthetic} numbers them) and {@code
 * role.admin}; {@code chat.typing} is answered and pushed likewise; {@code chat.conversation.read} is answered;
 * {@code chat.messages.fetch} answers from the last 200 messages of the conversation kept in memory (so the
 * reconnect scenario's catch-up works). A socket's user is whoever it registered as ({@code user.<id>}).
 *
 * <p>Run by the generator ({@code --baseline}) in its own JVM: {@code java -cp … app.homeroom.load.BaselineServer
 * --port P [--instances 2]}; prints {@code Baseline ready on P} when listening.
 */
public final class BaselineServer {

  static final String READY = "Baseline ready on ";
  private static final int HISTORY = 200;

  private final Map<String, Set<ServerWebSocket>> inboxes = new ConcurrentHashMap<>();
  private final Map<Long, Conversation> conversations = new ConcurrentHashMap<>();
  private final AtomicLong messageIds = new AtomicLong();

  private static final class Conversation {
    long lastSeq;
    final Deque<JsonObject> history = new ArrayDeque<>();
  }

  private Vertx vertx;

  public static void main(String[] args) throws Exception {
    int port = 0;
    int instances = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("usage: BaselineServer --port P [--instances N]");
      }
    }
    BaselineServer server = new BaselineServer();
    int actual = server.start(port, instances);
    System.out.println(READY + actual);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "baseline-shutdown"));
  }

  /** Starts listening (several instances sharing the port, as Homeroom's HTTP verticles); returns the port. */
  int start(int port, int instances) throws Exception {
    // The same transport as a node (Node.start), so the ratio compares the servers, not their sockets.
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    int[] actual = {port};
    vertx.deployVerticle(() -> new Listener(port, actual), new DeploymentOptions().setInstances(instances))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return actual[0];
  }

  void stop() {
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }
  }

  private final class Listener extends VerticleBase {
    private final int port;
    private final int[] actual;
    private final Set<ServerWebSocket> mine = ConcurrentHashMap.newKeySet();

    Listener(int port, int[] actual) {
      this.port = port;
      this.actual = actual;
    }

    @Override
    public Future<?> start() {
      // SockJS heartbeat, as the node's bridge sends (every 10 s).
      vertx.setPeriodic(10_000, id -> mine.forEach(ws -> ws.writeTextMessage("h")));
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1")
          .setMaxWebSocketFrameSize(256 * 1024).setMaxWebSocketMessageSize(256 * 1024));
      server.webSocketHandler(ws -> {
        mine.add(ws);
        Socket s = new Socket(ws);
        ws.textMessageHandler(s::onText);
        ws.closeHandler(v -> {
          mine.remove(ws);
          s.closed();
        });
        ws.writeTextMessage("o");
      });
      return server.listen().map(srv -> {
        actual[0] = srv.actualPort();
        return srv;
      });
    }
  }

  private final class Socket {
    private final ServerWebSocket ws;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private long userId = -1;

    Socket(ServerWebSocket ws) {
      this.ws = ws;
    }

    void onText(String text) {
      JsonArray frames = new JsonArray(text);
      for (int i = 0; i < frames.size(); i++) {
        handle(new JsonObject(frames.getString(i)));
      }
    }

    void closed() {
      registered.forEach(a -> {
        Set<ServerWebSocket> set = inboxes.get(a);
        if (set != null) {
          set.remove(ws);
        }
      });
    }

    private void handle(JsonObject frame) {
      String address = frame.getString("address");
      switch (frame.getString("type", "")) {
        case "register" -> {
          inboxes.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(ws);
          registered.add(address);
          if (address.startsWith("user.")) {
            userId = Long.parseLong(address.substring(5));
          }
        }
        case "unregister" -> {
          Set<ServerWebSocket> set = inboxes.get(address);
          if (set != null) {
            set.remove(ws);
          }
          registered.remove(address);
        }
        case "ping" -> { }
        case "send" -> send(address, frame.getJsonObject("body", new JsonObject()), frame.getString("replyAddress"));
        default -> write(ws, new JsonObject().put("type", "err").put("body", "invalid_type"));
      }
    }

    private void send(String address, JsonObject body, String replyAddress) {
      long conversationId = body.getLong("conversationId", 0L);
      switch (address) {
        case "chat.message.send" -> {
          Conversation c = conversations.computeIfAbsent(conversationId, id -> new Conversation());
          JsonObject message;
          synchronized (c) {
            message = new JsonObject().put("id", messageIds.incrementAndGet()).put("conversationId", conversationId)
                .put("seq", ++c.lastSeq).put("kind", "message").put("senderId", userId)
                .put("senderRole", inboxes.getOrDefault("role.admin", Set.of()).contains(ws) ? "admin" : "student")
                .put("senderName", "User " + userId).put("clientMsgId", body.getString("clientMsgId"))
                .put("body", body.getString("body")).put("createdAt", Instant.now().toString());
            c.history.addLast(message);
            if (c.history.size() > HISTORY) {
              c.history.removeFirst();
            }
          }
          publish(conversationId, new JsonObject().put("type", "chat.message.created").put("studentId", conversationId)
              .put("message", message).put("conversationStatus", "active"));
          reply(replyAddress, new JsonObject().put("message", message).put("duplicate", false).putNull("reopened"));
        }
        case "chat.typing" -> {
          publish(conversationId, new JsonObject().put("type", "chat.typing").put("conversationId", conversationId)
              .put("studentId", conversationId).put("userId", userId).put("expiresInMs", 6000));
          reply(replyAddress, new JsonObject());
        }
        case "chat.conversation.read", "chat.conversation.delivered" -> {
          long seq = body.getLong("seq", 0L);
          reply(replyAddress, new JsonObject().put("conversationId", conversationId).put("readSeq", seq)
              .put("deliveredSeq", seq).put("unread", 0));
        }
        case "chat.messages.fetch" -> {
          Conversation c = conversations.computeIfAbsent(conversationId, id -> new Conversation());
          int limit = body.getInteger("limit", 50);
          Long after = body.getLong("after");
          JsonArray page = new JsonArray();
          boolean more;
          synchronized (c) {
            var list = c.history.stream().filter(m -> after == null || m.getLong("seq") > after).toList();
            var slice = after == null ? list.subList(Math.max(0, list.size() - limit), list.size())
                : list.subList(0, Math.min(limit, list.size()));
            slice.forEach(page::add);
            more = list.size() > slice.size();
          }
          reply(replyAddress, new JsonObject().put("messages", page).put("hasMore", more));
        }
        default -> write(ws, new JsonObject().put("type", "err").put("address", replyAddress)
            .put("failureCode", -1).put("failureType", "NO_HANDLERS").put("message", "No handler for " + address));
      }
    }

    private void reply(String replyAddress, JsonObject body) {
      if (replyAddress != null) {
        write(ws, new JsonObject().put("type", "rec").put("address", replyAddress).put("body", body));
      }
    }
  }

  private void publish(long studentId, JsonObject event) {
    deliver("user." + studentId, event);
    deliver("role.admin", event);
  }

  private void deliver(String address, JsonObject event) {
    Set<ServerWebSocket> set = inboxes.get(address);
    if (set == null || set.isEmpty()) {
      return;
    }
    String frame = sockJs(new JsonObject().put("type", "rec").put("address", address).put("body", event));
    set.forEach(ws -> ws.writeTextMessage(frame));
  }

  private static void write(ServerWebSocket ws, JsonObject frame) {
    ws.writeTextMessage(sockJs(frame));
  }

  private static String sockJs(JsonObject frame) {
    return "a" + new JsonArray().add(frame.encode()).encode();
  }
}
