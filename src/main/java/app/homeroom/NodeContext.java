package app.homeroom;

import app.homeroom.bus.Address;
import app.homeroom.chat.ChatShared;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.DbTarget;
import app.homeroom.db.Pools;
import app.homeroom.ops.NodeMetrics;
import app.homeroom.session.SigningKeys;
import app.homeroom.web.UserLimits;

/**
 * What one node is made of: the validated config, where the database is, the session-signing keys, what the node's verticle
 * instances share (chat counters, per-user limits, each user's line of searches, meters), and this node's id (unique per start: it names the node's own
 * command addresses, {@link Address#onNode(String)}), and the Web Push keys (null with pushes off). {@link Node} hands each verticle only the parts it uses.
 */
public record NodeContext(HomeroomConfig config, DbTarget db, SigningKeys signingKeys, ChatShared chat, UserLimits limits,
                          app.homeroom.common.UserLines searchLines, String nodeId, NodeMetrics metrics,
                          com.interaso.webpush.VapidKeys pushKeys) {

  /** The node's connection pools. */
  public Pools pools() {
    return new Pools(db, config.db().poolSize());
  }
}
