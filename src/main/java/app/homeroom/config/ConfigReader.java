package app.homeroom.config;

import app.homeroom.config.HomeroomConfig.Admin;
import app.homeroom.config.HomeroomConfig.Auth;
import app.homeroom.config.HomeroomConfig.Cluster;
import app.homeroom.config.HomeroomConfig.Db;
import app.homeroom.config.HomeroomConfig.Http;
import app.homeroom.config.HomeroomConfig.Limits;
import app.homeroom.config.HomeroomConfig.Ops;
import app.homeroom.config.HomeroomConfig.Presence;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static app.homeroom.config.ConfigFields.blankToNull;
import static app.homeroom.config.ConfigFields.bool;
import static app.homeroom.config.ConfigFields.checkOrigin;
import static app.homeroom.config.ConfigFields.intIn;
import static app.homeroom.config.ConfigFields.intOr;
import static app.homeroom.config.ConfigFields.nonBlank;
import static app.homeroom.config.ConfigFields.obj;
import static app.homeroom.config.ConfigFields.port;
import static app.homeroom.config.ConfigFields.str;
import static app.homeroom.config.ConfigFields.strings;

/**
 * Reads a {@link HomeroomConfig}: the defaults in the jar, then {@code conf/config.json} (or the file given with
 * {@code --config}), then the environment variables of {@link #ENV}; and checks every value, so a node that starts has
 * a configuration it can run on (a wrong one stops it with a {@link ConfigException} naming the key and its variable).
 * The sections with more to check have readers of their own ({@link MailSettings}, {@link SsoSettings},
 * {@link PushSettings}); {@link HomeroomConfig} is what they produce.
 */
final class ConfigReader {

  private ConfigReader() {}

  /** Environment variable → JSON path in the config file. README.md documents the same table. */
  static final Map<String, String> ENV = envTable();

  private static Map<String, String> envTable() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("HOMEROOM_HTTP_HOST", "http.host");
    m.put("HOMEROOM_HTTP_PORT", "http.port");
    m.put("HOMEROOM_HTTP_INSTANCES", "http.instances");
    m.put("HOMEROOM_ALLOWED_ORIGINS", "http.allowedOrigins");
    m.put("HOMEROOM_WEBROOT", "http.webroot");
    m.put("HOMEROOM_TRUST_PROXY", "http.trustProxy");
    m.put("HOMEROOM_DB_URL", "db.url");
    m.put("HOMEROOM_DB_USER", "db.user");
    m.put("HOMEROOM_DB_PASSWORD", "db.password");
    m.put("HOMEROOM_DB_POOL_SIZE", "db.poolSize");
    m.put("HOMEROOM_DB_EMBEDDED_PORT", "db.embedded.port");
    m.put("HOMEROOM_DATA_DIR", "db.embedded.dataDir");
    m.put("HOMEROOM_CLUSTER_NAME", "cluster.name");
    m.put("HOMEROOM_CLUSTER_HOST", "cluster.host");
    m.put("HOMEROOM_CLUSTER_PORT", "cluster.port");
    m.put("HOMEROOM_CLUSTER_MEMBERS", "cluster.members");
    m.put("HOMEROOM_EVENTBUS_PORT", "cluster.eventBusPort");
    m.put("HOMEROOM_JWT_SECRET", "auth.jwtSecret");
    m.put("HOMEROOM_JWT_PREVIOUS_SECRETS", "auth.previousJwtSecrets");
    m.put("HOMEROOM_KEY_FILE", "auth.keyFile");
    m.put("HOMEROOM_SESSION_HOURS", "auth.sessionHours");
    m.put("HOMEROOM_COOKIE_SECURE", "auth.cookieSecure");
    m.put("HOMEROOM_ADMIN_EMAIL", "admin.email");
    m.put("HOMEROOM_ADMIN_PASSWORD", "admin.password");
    m.put("HOMEROOM_PRESENCE_HEARTBEAT_SECONDS", "presence.heartbeatSeconds");
    m.put("HOMEROOM_PRESENCE_TTL_SECONDS", "presence.ttlSeconds");
    m.put("HOMEROOM_RATE_LIMITS", "limits.rateLimited");
    m.put("HOMEROOM_LIMIT_SEND_PER_SECOND", "limits.sendPerSecond");
    m.put("HOMEROOM_LIMIT_SEND_BURST", "limits.sendBurst");
    m.put("HOMEROOM_LIMIT_TYPING_PER_SECOND", "limits.typingPerSecond");
    m.put("HOMEROOM_LIMIT_TYPING_BURST", "limits.typingBurst");
    m.put("HOMEROOM_LIMIT_ACKS_PER_SECOND", "limits.acksPerSecond");
    m.put("HOMEROOM_LIMIT_ACKS_BURST", "limits.acksBurst");
    m.put("HOMEROOM_LIMIT_READS_PER_SECOND", "limits.readsPerSecond");
    m.put("HOMEROOM_LIMIT_READS_BURST", "limits.readsBurst");
    m.put("HOMEROOM_LIMIT_SEARCHES_PER_SECOND", "limits.searchesPerSecond");
    m.put("HOMEROOM_LIMIT_SEARCHES_BURST", "limits.searchesBurst");
    m.put("HOMEROOM_LIMIT_REFUSALS_BEFORE_CLOSE", "limits.refusalsBeforeClose");
    m.put("HOMEROOM_LIMIT_SOCKETS_PER_USER", "limits.socketsPerUser");
    m.put("HOMEROOM_PUBLIC_URL", "mail.publicUrl");
    m.put("HOMEROOM_SMTP_HOST", "mail.smtpHost");
    m.put("HOMEROOM_SMTP_PORT", "mail.smtpPort");
    m.put("HOMEROOM_SMTP_USER", "mail.smtpUser");
    m.put("HOMEROOM_SMTP_PASSWORD", "mail.smtpPassword");
    m.put("HOMEROOM_SMTP_FROM", "mail.from");
    m.put("HOMEROOM_SMTP_SECURITY", "mail.smtpSecurity");
    m.put("HOMEROOM_OIDC_ID", "sso.provider.id");
    m.put("HOMEROOM_OIDC_NAME", "sso.provider.name");
    m.put("HOMEROOM_OIDC_ISSUER", "sso.provider.issuer");
    m.put("HOMEROOM_OIDC_CLIENT_ID", "sso.provider.clientId");
    m.put("HOMEROOM_OIDC_CLIENT_SECRET", "sso.provider.clientSecret");
    m.put("HOMEROOM_OIDC_ALLOWED_DOMAINS", "sso.provider.allowedDomains");
    m.put("HOMEROOM_OIDC_HOSTED_DOMAIN", "sso.provider.hostedDomain");
    m.put("HOMEROOM_OIDC_TENANT", "sso.provider.tenant");
    m.put("HOMEROOM_OIDC_AUTO_CREATE_CLASS", "sso.provider.autoCreateClass");
    m.put("HOMEROOM_PASSWORD_SIGNIN", "sso.passwordSignIn");
    m.put("HOMEROOM_PUSH", "push.enabled");
    m.put("HOMEROOM_PUSH_SUBJECT", "push.subject");
    m.put("HOMEROOM_PUSH_ALLOWED_ENDPOINTS", "push.allowedEndpoints");
    m.put("HOMEROOM_METRICS", "ops.metrics");
    m.put("HOMEROOM_METRICS_HOST", "ops.metricsHost");
    m.put("HOMEROOM_METRICS_PORT", "ops.metricsPort");
    m.put("HOMEROOM_DRAIN_SECONDS", "ops.drainSeconds");
    m.put("HOMEROOM_DEMO", "demo");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Reads the file (or the built-in defaults when {@code file} is null and conf/config.json is absent) and the environment. */
  static HomeroomConfig load(Path file, Map<String, String> env) {
    JsonObject json = defaults();
    Path path = file != null ? file : Path.of("conf", "config.json");
    if (Files.exists(path)) {
      try {
        merge(json, new JsonObject(Files.readString(path, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
      } catch (DecodeException e) {
        throw new ConfigException("config file " + path + " is not valid JSON: " + e.getMessage());
      }
    } else if (file != null) {
      throw new ConfigException("config file " + path + " does not exist");
    }
    applyEnv(json, env);
    return fromJson(json);
  }

  /** The defaults shipped inside the jar, so the jar runs from any folder. */
  static JsonObject defaults() {
    try (InputStream in = ConfigReader.class.getResourceAsStream("/conf/config.json")) {
      if (in == null) {
        throw new IllegalStateException("conf/config.json missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void applyEnv(JsonObject json, Map<String, String> env) {
    ENV.forEach((var, path) -> {
      String value = env.get(var);
      if (value == null || value.isBlank()) {
        return;
      }
      String[] parts = path.split("\\.");
      JsonObject node = json;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonObject child = node.getJsonObject(parts[i]);
        if (child == null) {
          child = new JsonObject();
          node.put(parts[i], child);
        }
        node = child;
      }
      String key = parts[parts.length - 1];
      if (key.equals("allowedOrigins") || key.equals("members") || key.equals("allowedDomains")
          || key.equals("passwordSignIn") || key.equals("previousJwtSecrets") || key.equals("allowedEndpoints")) {
        JsonArray list = new JsonArray();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
        node.put(key, list);
      } else {
        node.put(key, value.trim());
      }
    });
  }

  static HomeroomConfig fromJson(JsonObject json) {
    JsonObject http = obj(json, "http");
    JsonObject db = obj(json, "db");
    JsonObject embedded = obj(db, "embedded");
    JsonObject cluster = obj(json, "cluster");
    JsonObject auth = obj(json, "auth");
    JsonObject admin = obj(json, "admin");
    JsonObject presence = obj(json, "presence");
    JsonObject limits = obj(json, "limits");
    int heartbeat = intIn(presence, "heartbeatSeconds", 1, 300, "presence.heartbeatSeconds (HOMEROOM_PRESENCE_HEARTBEAT_SECONDS)");
    int ttl = intIn(presence, "ttlSeconds", 2, 900, "presence.ttlSeconds (HOMEROOM_PRESENCE_TTL_SECONDS)");
    if (ttl < 2 * heartbeat) {
      throw new ConfigException("presence.ttlSeconds (HOMEROOM_PRESENCE_TTL_SECONDS) must be at least twice the heartbeat ("
          + 2 * heartbeat + " s), or one late heartbeat would show online students as offline");
    }

    String dbUrl = blankToNull(str(db, "url"));
    if (dbUrl != null) {
      checkDbUrl(dbUrl);
    }
    List<String> members = strings(cluster, "members");
    for (String member : members) {
      checkMember(member);
    }
    List<String> origins = strings(http, "allowedOrigins");
    for (String origin : origins) {
      checkAllowedOrigin(origin);
    }
    String jwtSecret = blankToNull(str(auth, "jwtSecret"));
    if (jwtSecret != null && jwtSecret.length() < 32) {
      throw new ConfigException("auth.jwtSecret (HOMEROOM_JWT_SECRET) must be at least 32 characters");
    }
    List<String> previousSecrets = strings(auth, "previousJwtSecrets");
    for (String previous : previousSecrets) {
      if (previous.length() < 32) {
        throw new ConfigException("auth.previousJwtSecrets (HOMEROOM_JWT_PREVIOUS_SECRETS): each must be at least 32 characters");
      }
    }
    if (!previousSecrets.isEmpty() && jwtSecret == null) {
      throw new ConfigException("auth.previousJwtSecrets (HOMEROOM_JWT_PREVIOUS_SECRETS) needs auth.jwtSecret (HOMEROOM_JWT_SECRET):"
          + " they are the secrets it replaced");
    }
    String adminEmail = str(admin, "email");
    if (adminEmail == null || !adminEmail.contains("@")) {
      throw new ConfigException("admin.email (HOMEROOM_ADMIN_EMAIL) must be an email address");
    }
    String adminPassword = blankToNull(str(admin, "password"));
    if (adminPassword != null && app.homeroom.account.Passwords.problem(adminPassword) != null) {
      throw new ConfigException("admin.password (HOMEROOM_ADMIN_PASSWORD): " + app.homeroom.account.Passwords.problem(adminPassword));
    }
    return new HomeroomConfig(
        new Http(nonBlank(http, "host", "http.host"), port(http, "port", "http.port (HOMEROOM_HTTP_PORT)", true),
            intIn(http, "instances", 1, 64, "http.instances"), origins, blankToNull(str(http, "webroot")),
            bool(http, "trustProxy")),
        new Db(dbUrl, str(db, "user"), str(db, "password"), intIn(db, "poolSize", 1, 200, "db.poolSize"),
            port(embedded, "port", "db.embedded.port (HOMEROOM_DB_EMBEDDED_PORT)", false),
            nonBlank(embedded, "dataDir", "db.embedded.dataDir (HOMEROOM_DATA_DIR)")),
        new Cluster(nonBlank(cluster, "name", "cluster.name"), nonBlank(cluster, "host", "cluster.host"),
            port(cluster, "port", "cluster.port (HOMEROOM_CLUSTER_PORT)", true), members,
            cluster.getValue("eventBusPort") == null ? 0 : port(cluster, "eventBusPort", "cluster.eventBusPort (HOMEROOM_EVENTBUS_PORT)", true)),
        new Auth(jwtSecret, previousSecrets, intIn(auth, "sessionHours", 1, 24 * 30, "auth.sessionHours"),
            bool(auth, "cookieSecure"), blankToNull(str(auth, "keyFile"))),
        new Admin(adminEmail.trim().toLowerCase(), adminPassword),
        new Presence(heartbeat, ttl),
        limits(limits),
        MailSettings.parse(obj(json, "mail")),
        SsoSettings.parse(obj(json, "sso"), blankToNull(str(obj(json, "mail"), "publicUrl"))),
        ops(obj(json, "ops")),
        PushSettings.parse(obj(json, "push"), obj(json, "mail")),
        bool(json, "demo"));
  }

  /** Missing keys take {@link Ops#defaults()}. */
  private static Ops ops(JsonObject o) {
    Ops d = Ops.defaults();
    String host = blankToNull(str(o, "metricsHost"));
    return new Ops(o.getValue("metrics") == null ? d.metrics() : bool(o, "metrics"), host == null ? d.metricsHost() : host,
        o.getValue("metricsPort") == null ? d.metricsPort() : port(o, "metricsPort", "ops.metricsPort (HOMEROOM_METRICS_PORT)", true),
        intOr(o, "drainSeconds", d.drainSeconds(), 0, 600, "ops.drainSeconds (HOMEROOM_DRAIN_SECONDS)"));
  }

  /** Missing keys take {@link Limits#defaults()}, so an old config file keeps working. */
  private static Limits limits(JsonObject o) {
    Limits d = Limits.defaults();
    return new Limits(o.getValue("rateLimited") == null ? d.rateLimited() : bool(o, "rateLimited"),
        intOr(o, "sendPerSecond", d.sendPerSecond(), 1, 1_000_000, "limits.sendPerSecond (HOMEROOM_LIMIT_SEND_PER_SECOND)"),
        intOr(o, "sendBurst", d.sendBurst(), 1, 1_000_000, "limits.sendBurst (HOMEROOM_LIMIT_SEND_BURST)"),
        intOr(o, "typingPerSecond", d.typingPerSecond(), 1, 1_000_000, "limits.typingPerSecond (HOMEROOM_LIMIT_TYPING_PER_SECOND)"),
        intOr(o, "typingBurst", d.typingBurst(), 1, 1_000_000, "limits.typingBurst (HOMEROOM_LIMIT_TYPING_BURST)"),
        intOr(o, "acksPerSecond", d.acksPerSecond(), 1, 1_000_000, "limits.acksPerSecond (HOMEROOM_LIMIT_ACKS_PER_SECOND)"),
        intOr(o, "acksBurst", d.acksBurst(), 1, 1_000_000, "limits.acksBurst (HOMEROOM_LIMIT_ACKS_BURST)"),
        intOr(o, "readsPerSecond", d.readsPerSecond(), 1, 1_000_000, "limits.readsPerSecond (HOMEROOM_LIMIT_READS_PER_SECOND)"),
        intOr(o, "readsBurst", d.readsBurst(), 1, 1_000_000, "limits.readsBurst (HOMEROOM_LIMIT_READS_BURST)"),
        intOr(o, "searchesPerSecond", d.searchesPerSecond(), 1, 1_000_000,
            "limits.searchesPerSecond (HOMEROOM_LIMIT_SEARCHES_PER_SECOND)"),
        intOr(o, "searchesBurst", d.searchesBurst(), 1, 1_000_000, "limits.searchesBurst (HOMEROOM_LIMIT_SEARCHES_BURST)"),
        intOr(o, "refusalsBeforeClose", d.refusalsBeforeClose(), 1, 1_000_000,
            "limits.refusalsBeforeClose (HOMEROOM_LIMIT_REFUSALS_BEFORE_CLOSE)"),
        intOr(o, "socketsPerUser", d.socketsPerUser(), 1, 10_000, "limits.socketsPerUser (HOMEROOM_LIMIT_SOCKETS_PER_USER)"));
  }

  private static void checkDbUrl(String url) {
    try {
      URI uri = new URI(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new ConfigException("db.url (HOMEROOM_DB_URL) must look like postgresql://user:password@host:5432/database, got scheme "
            + uri.getScheme());
      }
      if (uri.getHost() == null) {
        throw new ConfigException("db.url (HOMEROOM_DB_URL) has no host: use postgresql://user:password@host:5432/database");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException("db.url (HOMEROOM_DB_URL) is not a valid URL: " + e.getMessage());
    }
  }

  private static void checkMember(String member) {
    int colon = member.lastIndexOf(':');
    if (colon <= 0) {
      throw new ConfigException("cluster.members entry '" + member + "' must be host:port (one port per entry)");
    }
    try {
      int p = Integer.parseInt(member.substring(colon + 1));
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ConfigException("cluster.members entry '" + member + "' must be host:port with one port, not a range");
    }
  }

  private static void checkAllowedOrigin(String origin) {
    checkOrigin(origin, "http.allowedOrigins entry '" + origin + "'");
  }

  private static void merge(JsonObject into, JsonObject from) {
    from.forEach(e -> {
      Object existing = into.getValue(e.getKey());
      if (existing instanceof JsonObject a && e.getValue() instanceof JsonObject b) {
        merge(a, b);
      } else {
        into.put(e.getKey(), e.getValue());
      }
    });
  }
}
