package app.homeroom.chat;

import app.homeroom.common.ApiError;
import app.homeroom.common.LogContext;
import app.homeroom.common.FailureLog;
import app.homeroom.common.Params;
import app.homeroom.bus.Address;
import app.homeroom.team.TeamService;
import app.homeroom.bus.BusCodec;
import app.homeroom.bus.Command;
import app.homeroom.bus.Event;
import app.homeroom.bus.Reply;
import app.homeroom.bus.EventType;
import app.homeroom.bus.Events;
import app.homeroom.bus.Identity;
import app.homeroom.chat.notifications.Notifications;
import app.homeroom.db.Pools;
import app.homeroom.ops.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * The writer of conversations and messages. Consumes the chat commands, whether they come from a browser over
 * the bridge or from the REST API (both attach the caller's {@link Identity} as headers), answers only after the
 * database has committed, and then publishes the resulting event to every participant's inbox, on whichever node
 * holds their socket.
 *
 * <p>Consumes, at this node's own alias of each ({@link Address#onNode}): {@link Address#CONVERSATION_OPEN},
 * {@link Address#MESSAGE_SEND}, {@link Address#MESSAGES_FETCH}, {@link Address#CONVERSATION_READ},
 * {@link Address#CONVERSATION_DELIVERED}, {@link Address#TYPING}, {@link Address#CONVERSATION_CLOSE},
 * {@link Address#CONVERSATION_REOPEN}, {@link Address#NOTIFICATIONS_LIST} and {@link Address#NOTIFICATIONS_DISMISS}.
 * Publishes {@link EventType#CONVERSATION_CREATED}, {@link EventType#MESSAGE_CREATED}, {@link EventType#TYPING} and
 * {@link EventType#RECEIPT} on {@code user.<studentId>} and {@link Address#ADMIN_INBOX};
 * {@link EventType#CONVERSATION_READ} on the reader's own {@code user.<id>}; {@link EventType#NOTIFICATION_CHANGED}
 * on the student's.
 */
public class ChatVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ChatVerticle.class);

  /** How long a typing indicator lasts without a new event (R4.1, R4.2: gone at most 6 s after the last one). */
  static final long TYPING_EXPIRES_MS = 6_000;
  /** Typing events forwarded per typist and conversation at most this often; clients send one per ~2 s. */
  static final long TYPING_FORWARD_INTERVAL_MS = 1_000;

  private final Pools pools;
  private final ChatShared shared;
  private final String nodeId;
  private final NodeMetrics metrics;
  private ChatService chat;
  private Notifications notifications;
  private TeamService team;
  private AckCoalescer acks;
  private Map<Long, Long> conversationStudents;
  private Map<String, Long> lastTyping;

  /**
   * @param shared what the node's chat instances share
   * @param nodeId this node's id: the verticle consumes its commands at this node's own addresses too
   */

  /** Whether this node pushes to students who are away (issue 31, point 3): then each staff message is told to it. */
  private final boolean pushes;

  public ChatVerticle(Pools pools, ChatShared shared, String nodeId, NodeMetrics metrics, boolean pushes) {
    this.pushes = pushes;
    this.pools = pools;
    this.shared = shared;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Pool pool = pools.general(vertx);
    conversationStudents = shared.conversationStudents;
    chat = new ChatService(vertx, pool, pools.reads(vertx), pools.marks(vertx), conversationStudents,
        shared.conversationLastSeqs);
    chat.observeSendBatches(metrics::sendBatch);
    notifications = new Notifications(pool, chat);
    team = new TeamService(vertx, pool);
    lastTyping = shared.lastTypingForwarded;
    acks = new AckCoalescer(new AckCoalescer.Writer() {
      @Override
      public Future<JsonObject> read(long userId, long conversationId, long seq) {
        return chat.marks().writeRead(userId, conversationId, seq);
      }

      @Override
      public Future<JsonObject> delivered(long userId, long conversationId, long seq) {
        return chat.marks().writeDelivered(userId, conversationId, seq);
      }
    }, shared, this::publishReceipt);
    // The typing throttle's memory: forget typists idle for a minute.
    vertx.setPeriodic(60_000, id -> lastTyping.values().removeIf(t -> System.currentTimeMillis() - t > 60_000));
    EventBus eb = vertx.eventBus();
    return Future.all(java.util.List.of(
        consume(eb, Address.CONVERSATION_OPEN, this::open),
        consume(eb, Address.MESSAGE_SEND, this::send),
        consume(eb, Address.MESSAGES_FETCH, this::fetch),
        consume(eb, Address.CONVERSATION_READ, this::read),
        consume(eb, Address.CONVERSATION_DELIVERED, this::delivered),
        consume(eb, Address.TYPING, this::typing),
        consume(eb, Address.CONVERSATION_CLOSE, (Identity actor, Command.ChangeStatus c) -> changeStatus(actor, c, true)),
        consume(eb, Address.CONVERSATION_REOPEN, (Identity actor, Command.ChangeStatus c) -> changeStatus(actor, c, false)),
        consume(eb, Address.NOTIFICATIONS_LIST, this::notifications),
        consume(eb, Address.NOTIFICATIONS_DISMISS, this::dismiss),
        // Issue 27, point 2: staff viewing a conversation; the team feature's, answered here with the conversation's
        // student this verticle already knows.
        consume(eb, Address.STAFF_VIEWING, (Identity actor, Command.StaffViewing c) -> {
          if (!actor.isAdmin()) {
            throw ApiError.forbidden("Only staff say what they are viewing");
          }
          return studentOf(actor, c.conversationId()).map(studentId -> {
            team.viewing(actor, c.conversationId(), studentId, c.state());
            return new Reply.Empty();
          });
        })));
  }

  private Future<Reply.Opened> open(Identity actor, Command.OpenConversation command) {
    long studentId = command.studentId();
    return chat.openConversation(actor, studentId).map(opened -> {
      if (opened.created()) {
        publishToParticipants(studentId, new Event.ConversationCreated(opened.conversation()));
        publishNotifications(studentId);
      }
      return new Reply.Opened(opened.conversation(), opened.created());
    });
  }

  private Future<Reply.Sent> send(Identity actor, Command.SendMessage command) {
    long conversationId = command.conversationId();
    long started = System.nanoTime();
    return chat.sendMessage(actor, conversationId, command.clientMsgId(), command.body(),
        Boolean.TRUE.equals(command.needsAck()), command.attachmentId()).map(sent -> {
      metrics.sent(started, sent.duplicate());
      if (!sent.duplicate()) {
        // Receivers drop this typist's indicator when the message lands; typing again must show at once.
        lastTyping.remove(typingKey(actor, conversationId));
        if (sent.reopened() != null) {
          publishEntry(sent.studentId(), sent.reopened(), ChatService.STATUS_ACTIVE);
        }
        publishEntry(sent.studentId(), sent.message(), ChatService.STATUS_ACTIVE);
        if (actor.isAdmin()) {
          if (sent.studentUnread() != null) {
            // Answered by the send statement itself: no query per staff message (issue 9).
            MessageEvents.afterStaffMessage(vertx.eventBus(), sent.studentId(), sent.message(), sent.studentUnread(),
                sent.startedBy(), pushes);
          } else {
            publishNotifications(sent.studentId());
            if (pushes) {
              MessageEvents.push(vertx.eventBus(), sent.studentId(), sent.message());
            }
          }
        }
      }
      return new Reply.Sent(sent.message(), sent.duplicate(), sent.reopened());
    });
  }

  /** Close or reopen (R6.2, R6.3): the entry goes to everyone viewing, like a message; nothing when unchanged. */
  private Future<Reply.StatusChanged> changeStatus(Identity actor, Command.ChangeStatus command, boolean close) {
    return chat.status().change(actor, command.conversationId(), close, command.note()).map(change -> {
      JsonObject conversation = change.conversation();
      if (change.event() != null) {
        publishEntry(conversation.getLong("studentId"), change.event(), conversation.getString("status"));
      }
      return new Reply.StatusChanged(conversation, change.event());
    });
  }

  private void publishEntry(long studentId, JsonObject message, String conversationStatus) {
    publishToParticipants(studentId, new Event.MessageCreated(studentId, message, conversationStatus));
  }

  /**
   * Pages of history this node reads at once, beyond which a fetch is refused (503, {@code unavailable}) rather than
   * queued without end (issue 24, point 2): the reads pool's connections plus a short line. Each user's own budget
   * ({@link app.homeroom.web.UserLimits.Kind#READ}) comes first; this bounds what many users together can queue.
   */
  static final int MAX_READS_IN_FLIGHT = 64;

  private Future<JsonObject> fetch(Identity actor, Command.FetchMessages command) {
    if (shared.readsInFlight.incrementAndGet() > MAX_READS_IN_FLIGHT) {
      shared.readsInFlight.decrementAndGet();
      throw ApiError.unavailable("The server is reading many pages of history at once; try again in a moment");
    }
    try {
      return shared.readLines.run(actor.userId(), () -> fetchPage(actor, command))
          .onComplete(done -> shared.readsInFlight.decrementAndGet());
    } catch (RuntimeException e) {
      shared.readsInFlight.decrementAndGet();
      throw e;
    }
  }

  private Future<JsonObject> fetchPage(Identity actor, Command.FetchMessages command) {
    long conversationId = command.conversationId();
    int limit = Params.limit(command.limit(), ChatService.DEFAULT_PAGE, ChatService.MAX_PAGE);
    Long before = command.before();
    Long after = command.after();
    Long around = command.around();
    if (around != null) {
      if (before != null || after != null) {
        throw ApiError.badRequest("Give one of 'before', 'after' or 'around'");
      }
      return chat.fetchAround(actor, conversationId, around, limit);
    }
    return chat.fetchMessages(actor, conversationId, before, after, limit).compose(page -> {
      // Fetching the newest messages (a first load or a catch-up) delivers them (R4.3, R5.3).
      JsonArray messages = page.getJsonArray("messages");
      if (before != null || messages.isEmpty()) {
        return Future.succeededFuture(page);
      }
      long newest = messages.getJsonObject(messages.size() - 1).getLong("seq");
      return acks.delivered(who(actor), conversationId, newest).map(marks -> page)
          .recover(err -> Future.succeededFuture(page));
    });
  }

  private Future<JsonObject> read(Identity actor, Command.Acknowledge command) {
    long conversationId = command.conversationId();
    long seq = command.seq();
    return chat.checkAck(actor, conversationId, seq).compose(conversation -> acks.read(who(actor), conversationId, seq)
        .map(marks -> {
          long studentId = conversation.getLong("studentId");
          Events.publish(vertx.eventBus(), BusCodec.encode(new Event.ConversationRead(conversationId, studentId,
              actor.userId(), marks.getLong("readSeq"))), Address.userInbox(actor.userId()));
          if (!actor.isAdmin() && marks.getBoolean("moved", false)) {
            publishNotifications(studentId);
          }
          return reply(marks, studentId);
        }));
  }

  private Future<JsonObject> delivered(Identity actor, Command.Acknowledge command) {
    long conversationId = command.conversationId();
    long seq = command.seq();
    return chat.checkAck(actor, conversationId, seq).compose(conversation ->
        acks.delivered(who(actor), conversationId, seq).map(marks -> reply(marks, conversation.getLong("studentId"))));
  }

  /**
   * The acknowledging user, for the receipt event. (The conversation's student is already in
   * {@code conversationStudents}: the chat service remembers it when it checks the acknowledgement.)
   */
  private static JsonObject who(Identity actor) {
    return new JsonObject().put("userId", actor.userId()).put("name", actor.name()).put("role", actor.role().wire());
  }

  private static JsonObject reply(JsonObject marks, long studentId) {
    JsonObject out = marks.copy().put("studentId", studentId);
    out.remove("moved");
    return out;
  }

  /**
   * "I am typing" (R4.1, R4.2): checked against the conversation (a student only in their own), then published to
   * its participants; never written. Bursts beyond one per second per typist are answered but not forwarded.
   */
  private Future<Reply.Empty> typing(Identity actor, Command.Typing command) {
    long conversationId = command.conversationId();
    return studentOf(actor, conversationId).map(studentId -> {
      String key = typingKey(actor, conversationId);
      long now = System.currentTimeMillis();
      // Decided inside the atomic compute, so exactly one event per interval forwards across the node's
      // instances (comparing timestamps afterwards let two through when both landed in the same millisecond).
      boolean[] forward = {false};
      lastTyping.compute(key, (k, last) -> {
        if (last == null || now - last >= TYPING_FORWARD_INTERVAL_MS) {
          forward[0] = true;
          return now;
        }
        return last;
      });
      if (forward[0]) {
        publishToParticipants(studentId, new Event.Typing(conversationId, studentId, actor.userId(), actor.name(),
            actor.role().wire(), TYPING_EXPIRES_MS));
      }
      return new Reply.Empty();
    });
  }

  private static String typingKey(Identity actor, long conversationId) {
    return actor.userId() + ":" + conversationId;
  }

  /**
   * The student of a conversation the actor may see, remembered (a conversation never changes student), so
   * typing costs no database access after the first event.
   */
  private Future<Long> studentOf(Identity actor, long conversationId) {
    Long studentId = conversationStudents.get(conversationId);
    if (studentId != null) {
      if (!actor.isAdmin() && studentId != actor.userId()) {
        return Future.failedFuture(ApiError.notFound("No such conversation"));
      }
      return Future.succeededFuture(studentId);
    }
    return chat.conversationFor(actor, conversationId).map(conversation -> {
      long id = conversation.getLong("studentId");
      conversationStudents.put(conversationId, id);
      return id;
    });
  }

  /** The student's pending notifications (R5.4); students only. */
  private Future<Reply.Notifications> notifications(Identity actor, Command.ListNotifications command) {
    if (actor.isAdmin()) {
      throw ApiError.forbidden("Staff have no student notifications");
    }
    return notifications.notificationsFor(actor.userId()).map(Reply.Notifications::new);
  }

  private Future<Reply.Notifications> dismiss(Identity actor, Command.DismissNotification command) {
    return notifications.dismiss(actor, command.conversationId(), command.seq())
        .compose(conversation -> notifications.notificationsFor(actor.userId()))
        .map(list -> {
          publishNotificationList(actor.userId(), list);
          return new Reply.Notifications(list);
        });
  }

  /** Tells the student's tabs what is pending now (R5.1-R5.4); best effort, like every event. */
  private void publishNotifications(long studentId) {
    notifications.notificationsFor(studentId).onSuccess(list -> publishNotificationList(studentId, list))
        .onFailure(err -> LOG.warn("Could not compute notifications for student {}: {}", studentId, err.toString()));
  }

  private void publishNotificationList(long studentId, JsonArray list) {
    MessageEvents.notificationList(vertx.eventBus(), studentId, list);
  }

  /** After a write that moved someone's marks: tell the conversation's participants (R4.3, R4.4). */
  private void publishReceipt(JsonObject marks) {
    long conversationId = marks.getLong("conversationId");
    Long studentId = conversationStudents.get(conversationId);
    JsonObject who = marks.getJsonObject("who");
    if (studentId == null || who == null) {
      return;
    }
    publishToParticipants(studentId, new Event.Receipt(conversationId, studentId, who.getLong("userId"),
        who.getString("name"), who.getString("role"), marks.getLong("deliveredSeq"), marks.getLong("readSeq")));
  }

  /**
   * Best effort, after commit: a client that misses it catches up from the database. Frozen once and shared by both
   * inboxes' consumers ({@link Events}).
   */
  private void publishToParticipants(long studentId, Event event) {
    MessageEvents.toParticipants(vertx.eventBus(), studentId, event);
  }

  /**
   * Registers a command handler that always answers: the handler's reply, or {@code fail(status, message)} for
   * bad input and refusals, so no caller is left to time out. The handler receives the command's record
   * ({@link Address#request()}, checked by {@link BusCodec#decode}) and answers its reply, encoded by the codec.
   */
  private <C extends Record> Future<Void> consume(EventBus eb, Address address,
                                                  BiFunction<Identity, C, Future<?>> handler) {
    @SuppressWarnings("unchecked")
    Class<C> type = (Class<C>) address.request();
    MessageConsumer<Object> consumer = eb.consumer(address.onNode(nodeId), (Message<Object> msg) -> {
      Future<JsonObject> result;
      shared.inFlight.incrementAndGet();
      try {
        Identity actor = Identity.from(msg.headers());
        // Issue 29, point 3: this command's log lines name its user, and the REST request that sent it, if one did.
        LogContext.user(actor.userId());
        LogContext.request(LogContext.sane(msg.headers().get(LogContext.BUS_HEADER)));
        result = handler.apply(actor, BusCodec.decode(type, msg.body())).map(BusCodec::encode);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        shared.inFlight.decrementAndGet();
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          ApiError error = ApiError.from(ar.cause());
          FailureLog.failed(LOG, address.address(), ar.cause(), error);
          msg.fail(error.status(), error.getMessage());
        }
      });
    });
    return consumer.completion();
  }
}
