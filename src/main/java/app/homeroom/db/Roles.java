package app.homeroom.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded database's two login roles (issue 24, point 1). The owner role owns the schema and runs the
 * migrations; the app role, which every pool signs in as, owns nothing: it reads and writes rows, and cannot alter a
 * table, disable a trigger, truncate, or update or delete a message or an audit event (those two tables are a
 * record: the append-only triggers refuse it too, and only the owner could drop them). Neither is a superuser, and
 * the app role is not a member of the owner role. An external database is left as its URL's credentials make it.
 *
 * <p>Blocking JDBC: start-up thread only.
 */
final class Roles {

  private static final Logger LOG = LoggerFactory.getLogger(Roles.class);

  /** Rows the app may only add to: the timeline and the audit trail. */
  static final List<String> APPEND_ONLY = List.of("messages", "audit_events", "staff_entries");

  private Roles() {}

  /**
   * As the superuser, in the Homeroom database: both roles exist with these passwords and no special attribute, the
   * owner role owns the {@code public} schema and everything in it (a data folder from before issue 24 had the
   * superuser own it all), and both may connect.
   */
  static void ensure(DbTarget superuser, String owner, String ownerPassword, String app, String appPassword) {
    try (Connection c = DriverManager.getConnection(superuser.jdbcUrl(), superuser.user(), superuser.password());
         Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("set local password_encryption = 'scram-sha-256'");
      for (String[] role : new String[][] {{owner, ownerPassword}, {app, appPassword}}) {
        String attributes = " login password " + literal(role[1]) + " nosuperuser nocreatedb nocreaterole noreplication nobypassrls";
        s.execute((exists(c, role[0]) ? "alter role " : "create role ") + role[0] + attributes);
      }
      s.execute("revoke " + owner + " from " + app);
      s.execute("grant connect, temporary on database " + superuser.database() + " to " + owner + ", " + app);
      // The owner creates trusted extensions (pg_trgm, V18), which takes CREATE on the database; the app role never.
      s.execute("grant create on database " + superuser.database() + " to " + owner);
      s.execute("alter schema public owner to " + owner);
      for (String statement : ownershipTransfers(c, superuser.user(), owner)) {
        s.execute(statement);
      }
      c.commit();
    } catch (SQLException e) {
      throw new StartupException("could not set up the embedded database's roles: " + e.getMessage());
    }
  }

  /** What the superuser still owns in {@code public} (tables, standalone sequences, views, functions), given away. */
  private static List<String> ownershipTransfers(Connection c, String from, String to) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select case k.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view'
                  else 'table' end, k.oid::regclass::text
          from pg_class k join pg_namespace n on n.oid = k.relnamespace
         where n.nspname = 'public' and pg_get_userbyid(k.relowner) = ?
           and k.relkind in ('r', 'p', 'v', 'm', 'S')
           -- an identity or serial sequence follows its table
           and not exists (select 1 from pg_depend d where d.objid = k.oid and d.classid = 'pg_class'::regclass
                            and d.deptype in ('a', 'i') and k.relkind = 'S')
        union all
        select 'function', p.oid::regprocedure::text
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and pg_get_userbyid(p.proowner) = ?""")) {
      ps.setString(1, from);
      ps.setString(2, from);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          statements.add("alter " + rs.getString(1) + " " + rs.getString(2) + " owner to " + to);
        }
      }
    }
    if (!statements.isEmpty()) {
      LOG.info("Giving the schema's {} object(s) owned by {} to {}", statements.size(), from, to);
    }
    return statements;
  }

  /**
   * As the owner, after each migration run: what the app role may do with what the migrations made. Rows in every
   * table, but never an update, delete or truncate of the record tables ({@link #APPEND_ONLY}), Flyway's
   * history read only; sequences; functions.
   */
  static void grantApp(DbTarget owner, String app) {
    try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), owner.user(), owner.password());
         Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("grant usage on schema public to " + app);
      s.execute("grant select, insert, update, delete on all tables in schema public to " + app);
      s.execute("revoke truncate, references, trigger on all tables in schema public from " + app);
      s.execute("revoke update, delete on " + String.join(", ", APPEND_ONLY) + " from " + app);
      // Flyway's history, read only: a node given the app role finds the schema current and migrates nothing.
      s.execute("revoke insert, update, delete on flyway_schema_history from " + app);
      s.execute("grant usage, select on all sequences in schema public to " + app);
      s.execute("grant execute on all functions in schema public to " + app);
      c.commit();
    } catch (SQLException e) {
      throw new StartupException("could not grant the app role its rights: " + e.getMessage());
    }
  }

  /**
   * As the superuser: the owner may create trusted extensions (pg_trgm, V18). Idempotent; a node that joins a running
   * server calls it too, since only the node that starts the server runs {@link #ensure}. A failure (another node
   * granting at the same moment) is only logged: the next start tries again.
   */
  static void allowExtensions(DbTarget superuser, String owner) {
    try (Connection c = DriverManager.getConnection(superuser.jdbcUrl(), superuser.user(), superuser.password());
         Statement s = c.createStatement()) {
      s.execute("grant create on database " + superuser.database() + " to " + owner);
    } catch (SQLException e) {
      LOG.warn("Could not let {} create extensions (the next start tries again): {}", owner, e.getMessage());
    }
  }

  /**
   * As the owner, after each migration run: the extensions a migration could not create when the owner was not yet
   * allowed to (V18's pg_trgm and its index, on a server upgraded while it kept running). Nothing when they exist;
   * a failure only costs searches their "did you mean".
   */
  static void extensions(DbTarget owner) {
    try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), owner.user(), owner.password());
         Statement s = c.createStatement()) {
      s.execute("create extension if not exists pg_trgm");
      s.execute("create index if not exists search_words_trigrams on search_words using gist (word gist_trgm_ops)");
    } catch (SQLException e) {
      LOG.warn("pg_trgm is not available (searches offer no \"did you mean\"): {}", e.getMessage());
    }
  }

  private static boolean exists(Connection c, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** A SQL string literal (role passwords cannot be bind parameters). */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
