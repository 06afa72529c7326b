package app.homeroom.support;

import app.homeroom.account.Passwords;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.DbTarget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Blocking JDBC helpers for tests: a known database state before each test, fixtures, and counts. */
public final class TestDb {

  private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

  private final DbTarget target;

  /** The database at {@code url} (postgresql://user:password@host:port/db): the shared one, or one a test started. */
  public TestDb(String url) {
    this.target = DbTarget.fromConfig(new HomeroomConfig.Db(url, "postgres", "", 8, 0, "unused"));
  }

  /**
   * Empties every table but the settings. Ids keep counting (no {@code restart identity}): a user id is never
   * reused within a run, so a socket still closing from an earlier test cannot pass for a new test's user.
   */
  public void reset() {
    // Children before the tables they reference: the truncate takes its locks in this order, as a writer does (its
    // own table, then a foreign-key check on the parent). With users listed before its children, a writer still
    // running from the test before held a child table and waited for users while the truncate held users and waited
    // for that child: PostgreSQL broke the deadlock by failing the reset (a CI run on 24ac789).
    String sql = "truncate audit_events, api_tokens, signup_links, sso_logins, revoked_sessions, conversation_reads, acknowledgements, messages, announcements, attachments, conversations, login_failures, login_known_addresses,"
        + " login_address_failures, search_words, users cascade";
    for (int attempt = 1; ; attempt++) {
      try {
        exec(sql);
        return;
      } catch (IllegalStateException e) {
        // Any other deadlock with a straggling writer: the writer goes on once the reset gave up, so try again.
        if (attempt == 3 || !(e.getCause() instanceof SQLException pg && "40P01".equals(pg.getSQLState()))) {
          throw e;
        }
      }
    }
  }

  public long createAdmin(String name, String email, String password) {
    return insertUser("admin", name, email, password, null, null);
  }

  public long createStudent(String name, String email, String rollId, String className, String password) {
    return insertUser("student", name, email, password, rollId, className);
  }

  public long queryLong(String sql, Object... params) {
    return queryOne(sql, params, rs -> rs.getLong(1));
  }

  public String queryString(String sql, Object... params) {
    return queryOne(sql, params, rs -> rs.getString(1));
  }

  private interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T queryOne(String sql, Object[] params, Column<T> column) {
    try (Connection c = connect(); PreparedStatement ps = bind(c.prepareStatement(sql), params);
         ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("no row for " + sql);
      }
      return column.read(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PreparedStatement bind(PreparedStatement ps, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
    return ps;
  }

  /** The lines of an EXPLAIN. */
  public java.util.List<String> explain(String sql, Object... params) {
    return queryStrings(sql, params);
  }

  /** The values of a one-column query, in its order. */
  public java.util.List<String> queryStrings(String sql, Object... params) {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Connection c = connect(); PreparedStatement ps = bind(c.prepareStatement(sql), params)) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** EXPLAIN ANALYZE of a statement written with $n parameters (as the product runs it), executed with these arguments. */
  public java.util.List<String> explainPrepared(String sql, String arguments) {
    return prepared(null, sql, "explain (analyze, buffers, costs off) execute", arguments, rs -> {
      java.util.List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    });
  }

  /**
   * The first row, by column name, of a statement written with $n parameters (as the product runs it), executed with
   * these arguments (SQL expressions, such as {@code 'homework', null, array[3]::bigint[]}).
   */
  public java.util.Map<String, Object> rowPrepared(String sql, String arguments) {
    return prepared(null, sql, "execute", arguments, rs -> {
      if (!rs.next()) {
        throw new IllegalStateException("no row for " + sql);
      }
      java.util.Map<String, Object> row = new java.util.HashMap<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
      }
      return row;
    });
  }

  /** {@code setting} (a SET statement, or null), then {@code sql} prepared and {@code run} with {@code arguments}. */
  private <T> T prepared(String setting, String sql, String run, String arguments, Column<T> read) {
    try (Connection c = connect(); java.sql.Statement st = c.createStatement()) {
      if (setting != null) {
        st.execute(setting);
      }
      st.execute("prepare statement_under_test as " + sql);
      try (ResultSet rs = st.executeQuery(run + " statement_under_test(" + arguments + ")")) {
        return read.read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The estimated total cost of a prepared statement's plan for {@code arguments}: with {@code generic}, the plan
   * PostgreSQL would keep for any arguments; else the one it makes for these. After five runs, a prepared statement
   * keeps the generic plan unless it costs more than the custom ones did, and is otherwise planned again at every run.
   */
  public double planCost(String sql, String arguments, boolean generic) {
    String mode = "set plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan");
    return prepared(mode, sql, "explain (format json) execute", arguments, rs -> {
      rs.next();
      return new io.vertx.core.json.JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan")
          .getDouble("Total Cost");
    });
  }

  public void exec(String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement ps = bind(c.prepareStatement(sql), params)) {
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long insertUser(String role, String name, String email, String password, String rollId, String cls) {
    String hash = HASHES.computeIfAbsent(password, Passwords::hash);
    return queryLong("insert into users (role, name, email, password_hash, roll_id, class_name) values (?, ?, ?, ?, ?, ?) returning id",
        role, name, email, hash, rollId, cls);
  }

  /** A connection of its own, for tests that hold locks or transactions open. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }
}
