package app.homeroom.db;

import app.homeroom.config.ConfigException;
import app.homeroom.config.HomeroomConfig;
import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;
import io.vertx.pgclient.SslMode;

/** Where the database is, in the two forms we need: Vert.x's reactive client and JDBC (Flyway, tests). */
public record DbTarget(String host, int port, String database, String user, String password, String sslMode) {

  public static final String EMBEDDED_DATABASE = "homeroom";
  public static final String EMBEDDED_USER = "postgres";
  /** The longest statement text the client keeps prepared; {@code DatabasePoolsTest} checks ours fit. */
  public static final int STATEMENT_CACHE_SQL_LIMIT = 16 * 1024;

  public static DbTarget embedded(int port) {
    return new DbTarget("localhost", port, EMBEDDED_DATABASE, EMBEDDED_USER, "", null);
  }

  /** The same server and database, signed in as another role. */
  public DbTarget as(String otherUser, String otherPassword) {
    return new DbTarget(host, port, database, otherUser, otherPassword, sslMode);
  }

  /**
   * Parses {@code postgresql://user:password@host:port/database[?sslmode=require]}; user/password default to the
   * config's. Percent-escapes in user and password are decoded ({@code +} stays a plus).
   */
  public static DbTarget fromConfig(HomeroomConfig.Db db) {
    URI uri = URI.create(db.url());
    String user = db.user();
    String password = db.password();
    // URI decodes percent-escapes here and, unlike URLDecoder, leaves '+' alone.
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      user = parts[0];
      if (parts.length > 1) {
        password = parts[1];
      }
    }
    String sslMode = null;
    if (uri.getRawQuery() != null) {
      for (String param : uri.getRawQuery().split("&")) {
        String[] kv = param.split("=", 2);
        if (kv[0].equals("sslmode") && kv.length == 2) {
          sslMode = kv[1];
          try {
            SslMode.of(sslMode);
          } catch (IllegalArgumentException e) {
            throw new ConfigException("db.url (HOMEROOM_DB_URL): unknown sslmode '" + sslMode + "'");
          }
        } else {
          throw new ConfigException("db.url (HOMEROOM_DB_URL): unsupported parameter '" + kv[0] + "' (only sslmode)");
        }
      }
    }
    String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "homeroom" : uri.getPath().substring(1);
    if (user == null || user.isBlank()) {
      throw new ConfigException("db.user (HOMEROOM_DB_USER) is required with an external database");
    }
    return new DbTarget(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, user,
        password == null ? "" : password, sslMode);
  }

  /** Each pool names its connections, so {@code pg_stat_activity} tells an operator which pool a backend serves. */
  static final String APPLICATION_NAME = "application_name";

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + (sslMode == null ? "" : "?sslmode=" + sslMode);
  }

  /**
   * Options for the general pool: sends, fetches, logins, everything but reports and marks. Each of its statements
   * finds its rows by key (a conversation, a user, a sequence range), so one generic plan per connection serves
   * every run, and {@code force_generic_plan} makes PostgreSQL keep it. Left to choose, it planned the notifications
   * query on a quarter of its runs (pg_stat_statements at 1,000 msg/s); the send statement cost 0.86 ms a run
   * planned each time and 0.47 ms with its plan kept. Statements with optional filters, or a range whose bound
   * decides the plan (a generic plan cannot see the bound), belong in the reports pool.
   */
  public PgConnectOptions connectOptions() {
    return baseOptions().addProperty("plan_cache_mode", "force_generic_plan")
        .addProperty(APPLICATION_NAME, "homeroom");
  }

  private PgConnectOptions baseOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        // The client leaves statements over 2,048 characters out of its cache by default, and an uncached statement
        // is parsed and planned on every run: the send statement is 2,567, and parsing and planning it took 30 % of
        // PostgreSQL's time at 1,000 msg/s (perf). Ours are all fixed text, so all of them can be cached.
        .setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT)
        .setReconnectAttempts(2)
        .setReconnectInterval(500)
        .setSslMode(sslMode == null ? SslMode.DISABLE : SslMode.of(sslMode));
  }

  /**
   * Options for the reports pool (roster, search, audit, the ended-sessions feed): statements with optional filters
   * ("$2 is null or ...") or a range whose bound decides the plan.
   * A generic plan cannot see that a filter is absent: the roster query went from 10 ms to 26 ms that way. Planning
   * each run costs about 1 ms there, which a listing can afford and a send cannot.
   */
  public PgConnectOptions reportsConnectOptions() {
    return baseOptions().addProperty("plan_cache_mode", "force_custom_plan")
        .addProperty(APPLICATION_NAME, "homeroom-reports");
  }

  /** Options for the reads pool (pages of history): key lookups as the general pool's, named apart. */
  public PgConnectOptions readsConnectOptions() {
    return connectOptions().addProperty(APPLICATION_NAME, "homeroom-reads");
  }

  /**
   * Options for the marks pool (read and delivered marks): their commits do not wait for the WAL to reach the disk
   * ({@code synchronous_commit=off}, PostgreSQL's setting for "less important" transactions). A mark is atomic and
   * consistent as ever; a crash of PostgreSQL or its machine (not of a node) can forget the marks of its last
   * moments (three times {@code wal_writer_delay} at most, 600 ms by default), and the reader's next acknowledgement
   * moves them again. Messages are committed durably, always. At 2,000 msg/s this halved PostgreSQL's WAL flushes
   * and lowered the sends' p99 in every pair of runs measured (docs/PERFORMANCE-LOG.md, step 9).
   */
  public PgConnectOptions marksConnectOptions() {
    return connectOptions().addProperty("synchronous_commit", "off")
        .addProperty(APPLICATION_NAME, "homeroom-marks");
  }

  /** For log lines: never prints the password. */
  public String describe() {
    return user + "@" + host + ":" + port + "/" + database;
  }

}
