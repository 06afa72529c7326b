package app.homeroom;

import app.homeroom.account.Passwords;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.DbTarget;
import app.homeroom.db.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Start-up work on the database that must happen once per database, whichever node gets there first: the first
 * admin (the session-signing keys: {@link app.homeroom.session.SigningKeyStore}). Blocking JDBC, run on the start-up thread before any verticle.
 */
final class Bootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {}

  /**
   * On a database with no admin, creates one: the configured email, the configured password or a generated one
   * that is printed once (and never logged).
   */
  static void firstAdmin(DbTarget db, HomeroomConfig config) {
    try (Connection c = connect(db)) {
      try (PreparedStatement ps = c.prepareStatement("select 1 from users where role = 'admin' limit 1");
           ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      String password = config.admin().password() != null ? config.admin().password() : Passwords.generate(16);
      try (PreparedStatement ps = c.prepareStatement("""
          insert into users (role, name, email, password_hash) values ('admin', 'Administrator', ?, ?)
          on conflict do nothing""")) {
        ps.setString(1, config.admin().email());
        ps.setString(2, Passwords.hash(password));
        if (ps.executeUpdate() == 1) {
          LOG.info("Created the first admin account {}", config.admin().email());
          if (config.admin().password() == null) {
            System.out.println("""

                ================================================================
                  First admin created (shown once, write it down):
                    email:    %s
                    password: %s
                ================================================================
                """.formatted(config.admin().email(), password));
          }
        }
      }
    } catch (SQLException e) {
      throw new StartupException("could not create the first admin: " + e.getMessage());
    }
  }

  static Connection connect(DbTarget db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }
}
