package app.homeroom.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The replies of client commands that have a fixed shape; {@link BusCodec#encode} writes them as JSON objects with
 * one field per component. (A page of history and the marks answer a {@link JsonObject}, whose fields depend on the
 * request: docs/API.md.) Conversations and messages inside are JSON as docs/API.md describes them.
 */
public sealed interface Reply {

  /** {@link Address#CONVERSATION_OPEN}: the conversation, and whether this call created it. */
  record Opened(JsonObject conversation, boolean created) implements Reply {}

  /** {@link Address#MESSAGE_SEND}: the stored message, whether it was stored already, the "reopened" entry or null. */
  record Sent(JsonObject message, boolean duplicate, JsonObject reopened) implements Reply {}

  /** {@link Address#CONVERSATION_CLOSE} / {@link Address#CONVERSATION_REOPEN}: the conversation, the new entry or null. */
  record StatusChanged(JsonObject conversation, JsonObject event) implements Reply {}

  /** {@link Address#NOTIFICATIONS_LIST} / {@link Address#NOTIFICATIONS_DISMISS}: what is pending now. */
  record Notifications(JsonArray notifications) implements Reply {}

  /** {@link Address#TYPING}: nothing to say. */
  record Empty() implements Reply {}
}
