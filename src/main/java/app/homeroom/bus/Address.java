package app.homeroom.bus;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every event-bus address Homeroom uses, in one place, with who may use it and what its body is. The SockJS
 * bridge's permitted lists are generated from this enum ({@link #inboundPermitted(String)}, {@link #outboundPermitted()}),
 * never typed twice. Grammar: commands are imperative ({@code chat.message.send}), events past tense
 * ({@code chat.message.created}, carried as the {@code type} of a body on an inbox address).
 */
public enum Address {

  /** Body {@code {studentId}}; reply {@code {conversation, created}}. Admins only. Creates the room if missing (R1.1). */
  CONVERSATION_OPEN("chat.conversation.open", Command.OpenConversation.class, Reply.Opened.class),

  /** Body {@code {conversationId, clientMsgId, body}}; reply {@code {message, duplicate}} only after commit (R3.3). */
  MESSAGE_SEND("chat.message.send", Command.SendMessage.class, Reply.Sent.class),

  /**
   * Body {@code {conversationId, before?, after?, around?, limit?}}; reply {@code {messages, hasMore}} (R3.4,
   * catch-up), or {@code {messages, hasOlder, hasNewer}} around a search hit (R6.4).
   */
  MESSAGES_FETCH("chat.messages.fetch", Command.FetchMessages.class, JsonObject.class),

  /** Body {@code {conversationId, seq}}; reply {@code {conversationId, readSeq, unread}}. Moves the caller's read mark (R2.3). */
  CONVERSATION_READ("chat.conversation.read", Command.Acknowledge.class, JsonObject.class),

  /** Body {@code {conversationId, seq}}; reply {@code {conversationId, deliveredSeq, readSeq}}: the caller's clients have it (R4.3). */
  CONVERSATION_DELIVERED("chat.conversation.delivered", Command.Acknowledge.class, JsonObject.class),

  /** Body {@code {conversationId, note?}}; reply {@code {conversation, event}}. Staff close a conversation (R6.3). */
  CONVERSATION_CLOSE("chat.conversation.close", Command.ChangeStatus.class, Reply.StatusChanged.class),

  /** Body {@code {conversationId}}; reply {@code {conversation, event}}. Staff reopen it with its whole history (R6.3). */
  CONVERSATION_REOPEN("chat.conversation.reopen", Command.ChangeStatus.class, Reply.StatusChanged.class),

  /** Body {@code {conversationId}}; reply {@code {}}. "I am typing" (R4.1, R4.2): published, never stored. */
  TYPING("chat.typing", Command.Typing.class, Reply.Empty.class),

  /** Body {@code {}}; reply {@code {notifications}}: the student's pending notifications (R5.4). Students only. */
  NOTIFICATIONS_LIST("chat.notifications.list", Command.ListNotifications.class, Reply.Notifications.class),

  /** Body {@code {conversationId, seq}}; reply {@code {notifications}} still pending. Students only (R5.4). */
  NOTIFICATIONS_DISMISS("chat.notifications.dismiss", Command.DismissNotification.class, Reply.Notifications.class),

  /**
   * Body {@code {conversationId, state?}}; reply {@code {}}. Staff only: "I am viewing this conversation" (or
   * {@code state: "left"}), published to the other staff, never to the student, never stored (issue 27, point 2).
   */
  STAFF_VIEWING("team.viewing", Command.StaffViewing.class, Reply.Empty.class),

  /** {@code user.<id>}: one user's personal inbox of events; only that user may register on it. */
  USER_INBOX("user.", Kind.CLIENT_INBOX_PREFIX),

  /** Every admin's shared inbox of events (the admin team shares all conversations); admins only. */
  ADMIN_INBOX("role.admin", Kind.CLIENT_INBOX),

  /** Node-local: the bridge reports a student's socket opened or closed, {@code {userId, open}}. */
  PRESENCE_SOCKET("presence.socket", Kind.INTERNAL),

  /** Cluster: a node's students came online or went offline there, {@code {nodeId, userId, online}}. */
  PRESENCE_NODE_CHANGED("presence.node.changed", Kind.INTERNAL),

  /** Cluster: every heartbeat, the students a node holds sockets for, {@code {nodeId, users: [id]}}. */
  PRESENCE_NODE_HEARTBEAT("presence.node.heartbeat", Kind.INTERNAL),

  /** Cluster: a starting node asks the others for an immediate heartbeat, {@code {nodeId}}. */
  PRESENCE_SYNC("presence.sync", Kind.INTERNAL),

  /** Node-local request {@code {userIds: [id]}}; reply {@code {online: [id]}}: who of them is online anywhere. */
  PRESENCE_QUERY("presence.query", Kind.INTERNAL),

  /**
   * Node-local, fire and forget: a staff message to a student was stored, {@code {studentId, seq}}; the node's Web Push
   * (issue 31, point 3) pushes it to the student's browsers if they are away.
   */
  PUSH_STAFF_MESSAGE("push.staff-message", Kind.INTERNAL),

  /**
   * Cluster: sessions ended before their tokens expired, {@code {userId, jti?, disabled?}}: one session signed out
   * ({@code jti}), or every session of the user (no {@code jti}: the account was disabled). Published after the
   * database says so; every HTTP verticle of every node refuses them and closes their bridge sockets.
   */
  SESSION_REVOKED("session.revoked", Kind.INTERNAL),

  /**
   * Node-local, does nothing: where the bridge hook diverts a client command it refused with its own {@code err}
   * frame (over a rate limit), so the bridge forwards nothing and writes no second error. Browsers cannot address it
   * (the hook refuses any frame whose own address is not a client command).
   */
  BRIDGE_DISCARD("bridge.discard", Kind.BRIDGE_DISCARD);

  /** Who may touch an address from a browser. */
  public enum Kind {
    /** Browsers may SEND (request/reply) to it; nobody may PUBLISH to it from a browser. */
    CLIENT_COMMAND,
    /** Browsers may REGISTER on it (subject to the bridge hook's identity check). */
    CLIENT_INBOX,
    /** Browsers may REGISTER on {@code prefix + their own id}. */
    CLIENT_INBOX_PREFIX,
    /** Never reachable from a browser. */
    INTERNAL,
    /** In the bridge's inbound list only as the hook's diversion target ({@link #BRIDGE_DISCARD}). */
    BRIDGE_DISCARD
  }

  private final String address;
  private final Kind kind;
  private final Class<? extends Record> request;
  private final Class<?> reply;

  Address(String address, Kind kind) {
    this.address = address;
    this.kind = kind;
    this.request = null;
    this.reply = null;
  }

  /** A client command: its body is a {@code request} ({@link BusCodec#decode}), it answers a {@code reply}. */
  Address(String address, Class<? extends Command> request, Class<?> reply) {
    this.address = address;
    this.kind = Kind.CLIENT_COMMAND;
    this.request = request.asSubclass(Record.class);
    this.reply = reply;
  }

  /** The record a client command's body decodes to; null for other addresses. */
  public Class<? extends Record> request() {
    return request;
  }

  /** What a client command answers: a {@link Reply} record, or a {@link JsonObject} whose shape API.md gives. */
  public Class<?> reply() {
    return reply;
  }

  public String address() {
    return address;
  }

  public Kind kind() {
    return kind;
  }

  /** The personal inbox of one user. */
  public static String userInbox(long userId) {
    return USER_INBOX.address + userId;
  }

  /**
   * This command's address on one node. Each node's chat service listens on its own alias of every client command,
   * and a node sends the commands it receives (over the bridge or REST) to its own alias. So a command is handled
   * where it arrived: no hop to another node, and a node that dies fails only the commands of the clients that were
   * connected to it, never a survivor's (issue 7). Plain clustered consumers would be picked round-robin across
   * the cluster, dead members included until the cluster notices.
   */
  public String onNode(String nodeId) {
    return address + "@" + nodeId;
  }

  /**
   * What the bridge forwards from browsers: this node's aliases of the client commands (browsers write the plain
   * command address; the bridge hook checks it and rewrites it to this node's alias), and the hook's discard
   * address for a command it refused itself.
   */
  public static List<PermittedOptions> inboundPermitted(String nodeId) {
    return Arrays.stream(values())
        .filter(a -> a.kind == Kind.CLIENT_COMMAND || a.kind == Kind.BRIDGE_DISCARD)
        .map(a -> new PermittedOptions().setAddress(a.kind == Kind.BRIDGE_DISCARD ? a.address : a.onNode(nodeId)))
        .toList();
  }

  /** Addresses browsers may REGISTER on (before the hook narrows them to the caller's own). */
  public static List<PermittedOptions> outboundPermitted() {
    return Arrays.stream(values())
        .filter(a -> a.kind == Kind.CLIENT_INBOX || a.kind == Kind.CLIENT_INBOX_PREFIX)
        .map(a -> new PermittedOptions().setAddressRegex(
            a.kind == Kind.CLIENT_INBOX ? Pattern.quote(a.address) : Pattern.quote(a.address) + "[0-9]{1,18}"))
        .toList();
  }

  private static final java.util.Map<String, Address> CLIENT_COMMANDS = Arrays.stream(values())
      .filter(a -> a.kind == Kind.CLIENT_COMMAND)
      .collect(java.util.stream.Collectors.toUnmodifiableMap(a -> a.address, a -> a));

  /** True when a browser may SEND to this exact address. */
  public static boolean isClientCommand(String address) {
    return CLIENT_COMMANDS.containsKey(address);
  }

  /** The client command with this exact address, or null. */
  public static Address clientCommand(String address) {
    return CLIENT_COMMANDS.get(address);
  }
}
