package app.homeroom.push;

import app.homeroom.db.DbTarget;
import app.homeroom.db.StartupException;
import app.homeroom.session.KeyVault;
import com.interaso.webpush.VapidKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The installation's VAPID keys (issue 31, point 3; V21 {@code push_keys}): made by the first node that needs them,
 * then read by every node, so a browser subscribed through one node is pushed to by any. The private key is sealed
 * with the school's {@link KeyVault} (the key file every node reads), like the session-signing keys. Blocking JDBC:
 * the start-up thread only.
 */
public final class VapidKeyStore {

  private static final Logger LOG = LoggerFactory.getLogger(VapidKeyStore.class);
  /** The sealed key's id (the AES-GCM associated data): a sealed session key cannot pass for it. */
  private static final String KID = "vapid";

  private VapidKeyStore() {}

  /** The keys, made first when there are none (two nodes starting at once agree: the first insert wins). */
  public static VapidKeys ensure(DbTarget db, KeyVault vault) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      VapidKeys fresh = VapidKeys.generate();
      try (PreparedStatement ps = c.prepareStatement(
          "insert into push_keys (id, public_key, sealed_private) values (1, ?, ?) on conflict (id) do nothing")) {
        ps.setString(1, fresh.getX509PublicKey());
        ps.setString(2, vault.seal(KID, fresh.getPkcs8PrivateKey().getBytes(StandardCharsets.US_ASCII)));
        if (ps.executeUpdate() == 1) {
          LOG.info("Made the Web Push (VAPID) keys, sealed with {}", vault.file());
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select public_key, sealed_private from push_keys where id = 1");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        String pkcs8 = new String(vault.unseal(KID, rs.getString(2)), StandardCharsets.US_ASCII);
        return VapidKeys.create(rs.getString(1), pkcs8);
      }
    } catch (KeyVault.WrongKeyException e) {
      throw new StartupException("the Web Push keys (push_keys) were sealed with another key file than " + vault.file()
          + " (every node must read the same HOMEROOM_KEY_FILE)");
    } catch (SQLException e) {
      throw new StartupException("could not make or read the Web Push keys: " + e.getMessage());
    }
  }
}
