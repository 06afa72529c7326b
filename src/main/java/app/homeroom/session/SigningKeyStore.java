package app.homeroom.session;

import app.homeroom.db.DbTarget;
import app.homeroom.db.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The session-signing keys a school keeps in its database, sealed by a {@link KeyVault} (V16, issue 24, point 1):
 * made once, reloaded by every node each minute, rotated on an operator's command. Blocking JDBC: a start-up thread,
 * a worker, or the command line; never an event loop.
 */
public final class SigningKeyStore {

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A new key signs this long after it is made: every node reloads its keys each {@link #RELOAD_SECONDS}, so each one
   * accepts the new key before any node signs with it.
   */
  public static final long ROLLOVER_SECONDS = 120;
  public static final long RELOAD_SECONDS = 60;
  /** One key-making or rotation at a time in the whole school (an arbitrary key of Homeroom's). */
  private static final String LOCK = "select pg_advisory_xact_lock(hashtext('homeroom.signing_keys'))";

  /** The keys as loaded: which one signs, and every one accepted (the signing key among them). */
  public record Loaded(String signingKid, List<SigningKeys.Key> accepted) {}

  /** What a rotation did. */
  public record Rotation(String kid, Instant signsFrom, Instant oldKeysRetire) {}

  private final DbTarget db;
  private final KeyVault vault;

  public SigningKeyStore(DbTarget db, KeyVault vault) {
    this.db = db;
    this.vault = vault;
  }

  /**
   * The keys, made first when there are none. The plain key a node kept before V16 ({@code settings.session_key}) is
   * sealed in under the id {@code legacy} and removed, and rotated at once: anyone could read it, so it only verifies
   * the sessions it signed until they expire, and a new key signs from {@link #ROLLOVER_SECONDS} on. Else a new key.
   */
  public Loaded ensure(int sessionHours) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      exec(c, LOCK);
      boolean none;
      try (PreparedStatement ps = c.prepareStatement("select not exists (select 1 from signing_keys)");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        none = rs.getBoolean(1);
      }
      if (none) {
        String legacy = null;
        try (PreparedStatement ps = c.prepareStatement("select value from settings where key = 'session_key'");
             ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            legacy = rs.getString(1);
          }
        }
        if (legacy != null) {
          insert(c, "legacy", legacy, 0);
          exec(c, "delete from settings where key = 'session_key'");
          Rotation r = rotate(c, sessionHours);
          LOG.warn("The session key kept in plain text (settings.session_key) is now sealed with {} and retires at {};"
              + " key {} signs from {}", vault.file(), r.oldKeysRetire(), r.kid(), r.signsFrom());
        } else {
          insert(c, newKid(), newSecret(), 0);
          LOG.info("Made the session-signing key, sealed with {}", vault.file());
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new StartupException("could not make the session-signing key: " + e.getMessage());
    }
    return load();
  }

  /** The keys not retired, opened: the newest whose time to sign has come signs. */
  public Loaded load() {
    try (Connection c = connect();
         PreparedStatement ps = c.prepareStatement("""
             select kid, sealed, signs_from <= now() from signing_keys
              where retires_at is null or retires_at > now()
              order by signs_from desc, created_at desc""");
         ResultSet rs = ps.executeQuery()) {
      String signing = null;
      List<SigningKeys.Key> accepted = new ArrayList<>();
      while (rs.next()) {
        String kid = rs.getString(1);
        accepted.add(new SigningKeys.Key(kid, new String(vault.unseal(kid, rs.getString(2)),
            java.nio.charset.StandardCharsets.UTF_8)));
        if (signing == null && rs.getBoolean(3)) {
          signing = kid;
        }
      }
      if (signing == null) {
        throw new StartupException("no session-signing key can sign yet (signing_keys): start a node to make one");
      }
      return new Loaded(signing, List.copyOf(accepted));
    } catch (KeyVault.WrongKeyException e) {
      throw new StartupException(e.getMessage());
    } catch (SQLException e) {
      throw new StartupException("could not read the session-signing keys: " + e.getMessage());
    }
  }

  /**
   * A new key that signs from {@link #ROLLOVER_SECONDS} on; the keys before it retire once every session they signed
   * has expired ({@code sessionHours} after the new key takes over). Keys retired a day ago are removed.
   */
  public Rotation rotate(int sessionHours) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      exec(c, LOCK);
      Rotation r = rotate(c, sessionHours);
      c.commit();
      return r;
    } catch (SQLException e) {
      throw new StartupException("could not rotate the session-signing key: " + e.getMessage());
    }
  }

  private Rotation rotate(Connection c, int sessionHours) throws SQLException {
    String kid = newKid();
    insert(c, kid, newSecret(), ROLLOVER_SECONDS);
    try (PreparedStatement ps = c.prepareStatement("""
        update signing_keys set retires_at = now() + make_interval(hours => ?, secs => ?)
         where kid <> ? and retires_at is null""")) {
      ps.setInt(1, sessionHours);
      ps.setDouble(2, ROLLOVER_SECONDS);
      ps.setString(3, kid);
      ps.executeUpdate();
    }
    exec(c, "delete from signing_keys where retires_at < now() - interval '1 day'");
    try (PreparedStatement ps = c.prepareStatement(
        "select signs_from, now() + make_interval(hours => ?, secs => ?) from signing_keys where kid = ?")) {
      ps.setInt(1, sessionHours);
      ps.setDouble(2, ROLLOVER_SECONDS);
      ps.setString(3, kid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Rotation(kid, rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant());
      }
    }
  }

  /**
   * Reloads the keys every {@link #RELOAD_SECONDS} on a worker thread, so this node learns of a rotation (and of a
   * key's retirement) made anywhere. A failed reload keeps the keys it had, and is logged once until one succeeds.
   */
  public void keepLoaded(io.vertx.core.Vertx vertx, SigningKeys keys) {
    keepLoaded(vertx, keys, RELOAD_SECONDS * 1000);
  }

  void keepLoaded(io.vertx.core.Vertx vertx, SigningKeys keys, long periodMs) {
    java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    vertx.setPeriodic(periodMs, id -> vertx.executeBlocking(this::load, false)
        .onSuccess(loaded -> {
          if (!loaded.signingKid().equals(keys.signingKid())) {
            LOG.info("Sessions are now signed with key {}", loaded.signingKid());
          }
          keys.replace(loaded.signingKid(), loaded.accepted());
          failing.set(false);
        })
        .onFailure(err -> {
          if (failing.compareAndSet(false, true)) {
            LOG.warn("Could not reload the session-signing keys (keeping the ones loaded): {}", err.getMessage());
          }
        }));
  }

  private void insert(Connection c, String kid, String secret, long signsInSeconds) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "insert into signing_keys (kid, sealed, signs_from) values (?, ?, now() + make_interval(secs => ?))")) {
      ps.setString(1, kid);
      ps.setString(2, vault.seal(kid, secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      ps.setDouble(3, signsInSeconds);
      ps.executeUpdate();
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.execute();
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  /** 72 random bits, URL-safe: an id, not a secret. */
  private static String newKid() {
    byte[] bytes = new byte[9];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** 48 random bytes in base64, as the first generated keys were. */
  private static String newSecret() {
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
