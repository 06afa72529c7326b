package app.homeroom.chat;

import app.homeroom.ApiError;
import app.homeroom.Params;
import app.homeroom.bus.Address;
import app.homeroom.bus.EventType;
import app.homeroom.bus.Identity;
import app.homeroom.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;

/**
 * The writer of conversations and messages. Consumes the chat commands, whether they come from a browser over
 * the bridge or from the REST API (both attach the caller's {@link Identity} as headers), answers only after the
 * database has committed, and then publishes the resulting event to every participant's inbox, on whichever node
 * holds their socket.
 *
 * <p>Consumes {@link Address#CONVERSATION_OPEN}, {@link Address#MESSAGE_SEND}, {@link Address#MESSAGES_FETCH},
 * {@link Address#CONVERSATION_READ}. Publishes {@link EventType#CONVERSATION_CREATED} and
 * {@link EventType#MESSAGE_CREATED} on {@code user.<studentId>} and {@link Address#ADMIN_INBOX}, and
 * {@link EventType#CONVERSATION_READ} on the reader's own {@code user.<id>}.
 */
public class ChatVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ChatVerticle.class);

  private final NodeContext node;
  private ChatService chat;

  public ChatVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    Pool pool = node.pool(vertx);
    chat = new ChatService(pool);
    EventBus eb = vertx.eventBus();
    return Future.all(
        consume(eb, Address.CONVERSATION_OPEN, this::open),
        consume(eb, Address.MESSAGE_SEND, this::send),
        consume(eb, Address.MESSAGES_FETCH, this::fetch),
        consume(eb, Address.CONVERSATION_READ, this::read));
  }

  private Future<JsonObject> open(Identity actor, JsonObject body) {
    long studentId = Params.requireId(body, "studentId");
    return chat.openConversation(actor, studentId).map(opened -> {
      if (opened.created()) {
        JsonObject event = new JsonObject().put("type", EventType.CONVERSATION_CREATED.type())
            .put("conversation", opened.conversation());
        publishToParticipants(studentId, event);
      }
      return new JsonObject().put("conversation", opened.conversation()).put("created", opened.created());
    });
  }

  private Future<JsonObject> send(Identity actor, JsonObject body) {
    long conversationId = Params.requireId(body, "conversationId");
    var clientMsgId = Params.requireUuid(body, "clientMsgId");
    String text = Params.requireString(body, "body");
    return chat.sendMessage(actor, conversationId, clientMsgId, text).map(sent -> {
      if (!sent.duplicate()) {
        publishToParticipants(sent.studentId(), new JsonObject().put("type", EventType.MESSAGE_CREATED.type())
            .put("studentId", sent.studentId()).put("message", sent.message()));
      }
      return new JsonObject().put("message", sent.message()).put("duplicate", sent.duplicate());
    });
  }

  private Future<JsonObject> fetch(Identity actor, JsonObject body) {
    long conversationId = Params.requireId(body, "conversationId");
    int limit = Params.limit(Params.optionalLong(body, "limit"), ChatService.DEFAULT_PAGE, ChatService.MAX_PAGE);
    return chat.fetchMessages(actor, conversationId, Params.optionalLong(body, "before"),
        Params.optionalLong(body, "after"), limit);
  }

  private Future<JsonObject> read(Identity actor, JsonObject body) {
    long conversationId = Params.requireId(body, "conversationId");
    Long seq = Params.optionalLong(body, "seq");
    if (seq == null) {
      throw ApiError.badRequest("'seq' is required");
    }
    return chat.markRead(actor, conversationId, seq).map(result -> {
      vertx.eventBus().publish(Address.userInbox(actor.userId()), new JsonObject()
          .put("type", EventType.CONVERSATION_READ.type()).put("conversationId", conversationId)
          .put("studentId", result.getLong("studentId")).put("userId", actor.userId())
          .put("readSeq", result.getLong("readSeq")));
      return result;
    });
  }

  /** Best effort, after commit: a client that misses it catches up from the database. */
  private void publishToParticipants(long studentId, JsonObject event) {
    EventBus eb = vertx.eventBus();
    eb.publish(Address.userInbox(studentId), event);
    eb.publish(Address.ADMIN_INBOX.address(), event);
  }

  /**
   * Registers a command handler that always answers: the handler's reply, or {@code fail(status, message)} for
   * bad input and refusals, so no caller is left to time out.
   */
  private Future<Void> consume(EventBus eb, Address address,
                               BiFunction<Identity, JsonObject, Future<JsonObject>> handler) {
    MessageConsumer<Object> consumer = eb.consumer(address.address(), (Message<Object> msg) -> {
      Future<JsonObject> result;
      try {
        result = handler.apply(Identity.from(msg.headers()), Params.body(msg.body()));
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          ApiError error = ApiError.from(ar.cause());
          if (error.status() >= 500) {
            LOG.error("{} failed", address.address(), ar.cause());
          }
          msg.fail(error.status(), error.getMessage());
        }
      });
    });
    return consumer.completion();
  }
}
