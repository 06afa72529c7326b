package app.homeroom.chat;

import app.homeroom.account.AccountService;
import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.LogContext;
import app.homeroom.common.Params;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The chat over REST (docs/API.md). Every call that reads or writes a conversation is sent on the event bus to this
 * node's {@link ChatVerticle} with the caller's identity headers: the bridge's path, with the same service and rules.
 * Sends {@link Address#CONVERSATION_OPEN}, {@link Address#MESSAGE_SEND}, {@link Address#MESSAGES_FETCH},
 * {@link Address#CONVERSATION_DELIVERED}, {@link Address#CONVERSATION_READ}, {@link Address#CONVERSATION_CLOSE},
 * {@link Address#CONVERSATION_REOPEN}, {@link Address#NOTIFICATIONS_LIST} and {@link Address#NOTIFICATIONS_DISMISS};
 * reads a conversation with its student, receipts and latest status entry directly.
 */
public final class ChatRoutes {

  private final Vertx vertx;
  private final ChatService chat;
  private final AccountService accounts;
  private final UserLimits limits;
  private final String nodeId;

  /** @param nodeId this node's id: commands go to its own chat service ({@link Address#onNode}) */
  public ChatRoutes(Vertx vertx, ChatService chat, AccountService accounts, UserLimits limits, String nodeId) {
    this.vertx = vertx;
    this.chat = chat;
    this.accounts = accounts;
    this.limits = limits;
    this.nodeId = nodeId;
  }

  public void mount(Router router) {
    router.post("/api/students/:studentId/conversation").handler(ctx -> Json.respond(ctx, 200,
        c -> command(c, Address.CONVERSATION_OPEN,
            new JsonObject().put("studentId", Params.parseId(c.pathParam("studentId"), "studentId")))));
    router.get("/api/me/conversation").handler(this::myConversation);
    router.get("/api/me/notifications").handler(ctx -> Json.respond(ctx, 200,
        c -> command(c, Address.NOTIFICATIONS_LIST, new JsonObject())));
    router.post("/api/me/notifications/:conversationId/dismiss").handler(ctx -> Json.respond(ctx, 200, c -> command(c,
        Address.NOTIFICATIONS_DISMISS, new JsonObject()
            .put("conversationId", Params.parseId(c.pathParam("conversationId"), "conversationId"))
            .put("seq", Json.body(c).getValue("seq")))));
    router.get("/api/conversations/:id").handler(this::conversation);
    router.get("/api/conversations/:id/messages").handler(this::messages);
    router.post("/api/conversations/:id/delivered").handler(RateLimited.check(limits, UserLimits.Kind.ACK))
        .handler(conversationCommand(Address.CONVERSATION_DELIVERED, "seq"));
    router.post("/api/conversations/:id/read").handler(RateLimited.check(limits, UserLimits.Kind.ACK))
        .handler(conversationCommand(Address.CONVERSATION_READ, "seq"));
    router.post("/api/conversations/:id/messages").handler(RateLimited.check(limits, UserLimits.Kind.SEND)).handler(this::sendMessage);
    router.post("/api/conversations/:id/close").handler(conversationCommand(Address.CONVERSATION_CLOSE, "note"));
    router.post("/api/conversations/:id/reopen").handler(conversationCommand(Address.CONVERSATION_REOPEN, "note"));
  }

  private void myConversation(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      if (who.isAdmin()) {
        throw ApiError.badRequest("Staff have no conversation of their own; open a student's");
      }
      return chat.conversationOfStudent(who.userId()).map(conv -> new JsonObject().put("conversation", conv));
    });
  }

  private void conversation(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      long id = Params.parseId(c.pathParam("id"), "id");
      return chat.conversationFor(who, id).compose(conv -> {
        Future<JsonObject> student = accounts.student(who, conv.getLong("studentId"));
        Future<JsonArray> receipts = chat.marks().receipts(id);
        Future<JsonObject> statusEvent = chat.status().latestEntry(id);
        return Future.all(student, receipts, statusEvent).map(v -> new JsonObject().put("conversation", conv)
            .put("student", student.result()).put("receipts", receipts.result()).put("statusEvent", statusEvent.result()));
      });
    });
  }

  private void messages(RoutingContext ctx) {
    Json.respond(ctx, 200, c -> {
      JsonObject req = new JsonObject().put("conversationId", Params.parseId(c.pathParam("id"), "id"));
      for (String p : List.of("before", "after", "around", "limit")) {
        Long v = Json.queryLong(c, p);
        if (v != null) {
          req.put(p, v);
        }
      }
      return command(c, Address.MESSAGES_FETCH, req);
    });
  }

  /** POST /api/conversations/:id/messages {clientMsgId, body}: 201 when stored now, 200 when already stored. */
  private void sendMessage(RoutingContext ctx) {
    Future<JsonObject> result;
    try {
      JsonObject body = Json.body(ctx);
      JsonObject req = new JsonObject()
          .put("conversationId", Params.parseId(ctx.pathParam("id"), "id"))
          .put("clientMsgId", body.getValue("clientMsgId"))
          .put("body", body.getValue("body"))
          .put("needsAck", body.getValue("needsAck"))
          .put("attachmentId", body.getValue("attachmentId"));
      result = command(ctx, Address.MESSAGE_SEND, req);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(reply -> Json.ok(ctx, reply.getBoolean("duplicate", false) ? 200 : 201, reply))
        .onFailure(err -> Json.fail(ctx, err));
  }

  /**
   * POST /api/conversations/:id/… as the bus command {@code address} with body {@code {conversationId, <fields>}},
   * the fields taken from the JSON body as given (the command checks them, as it does for the bridge).
   */
  private Handler<RoutingContext> conversationCommand(Address address, String... fields) {
    return ctx -> Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      JsonObject command = new JsonObject().put("conversationId", Params.parseId(c.pathParam("id"), "id"));
      for (String field : fields) {
        command.put(field, body.getValue(field));
      }
      return command(c, address, command);
    });
  }

  /** Sends a chat command on the event bus with the caller's identity: the bridge's path, from REST. */
  private Future<JsonObject> command(RoutingContext ctx, Address address, JsonObject body) {
    Identity who = Guard.identity(ctx);
    DeliveryOptions options = who.deliveryOptions().setSendTimeout(15_000);
    String requestId = LogContext.requestId();
    if (requestId != null) {
      // The chat service's log lines for this command name the request too (issue 29, point 3).
      options.addHeader(LogContext.BUS_HEADER, requestId);
    }
    return vertx.eventBus().<JsonObject>request(address.onNode(nodeId), body, options).map(Message::body);
  }
}
