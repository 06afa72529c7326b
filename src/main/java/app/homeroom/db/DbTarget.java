package app.homeroom.db;

import app.homeroom.config.ConfigException;
import app.homeroom.config.HomeroomConfig;
import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Where the database is, in the two forms we need: Vert.x's reactive client and JDBC (Flyway, tests). */
public record DbTarget(String host, int port, String database, String user, String password) {

  public static final String EMBEDDED_DATABASE = "homeroom";
  public static final String EMBEDDED_USER = "postgres";

  public static DbTarget embedded(int port) {
    return new DbTarget("localhost", port, EMBEDDED_DATABASE, EMBEDDED_USER, "");
  }

  /** Parses {@code postgresql://user:password@host:port/database}; user/password default to the config's. */
  public static DbTarget fromConfig(HomeroomConfig.Db db) {
    URI uri = URI.create(db.url());
    String user = db.user();
    String password = db.password();
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      if (parts.length > 1) {
        password = decode(parts[1]);
      }
    }
    String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "homeroom" : uri.getPath().substring(1);
    if (user == null || user.isBlank()) {
      throw new ConfigException("db.user (HOMEROOM_DB_USER) is required with an external database");
    }
    return new DbTarget(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, user,
        password == null ? "" : password);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
  }

  /** For log lines: never prints the password. */
  public String describe() {
    return user + "@" + host + ":" + port + "/" + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
