package app.homeroom.config;

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
import java.util.ArrayList;
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
 * The whole configuration of one node, validated. Loaded from {@code conf/config.json} (or the file given with
 * {@code --config}), then overridden by the environment variables of {@link #ENV}: every key a node needs can
 * be set either way, so the same jar runs on a laptop, in CI and in a container.
 */
public record HomeroomConfig(Http http, Db db, Cluster cluster, Auth auth, Admin admin, Presence presence, Limits limits,
                             Mail mail, Sso sso, Ops ops, Push push, boolean demo) {

  /**
   * {@code trustProxy}: the node is only reachable through a reverse proxy that appends the client's address to
   * {@code X-Forwarded-For} (deploy/nginx.conf does), so the last entry of that header is the client's address
   * (for per-address login throttling). Off by default: a node reachable directly must not believe the header.
   */
  public record Http(String host, int port, int instances, List<String> allowedOrigins, String webroot,
                     boolean trustProxy) {}

  /**
   * Issue 25, point 3: the address people reach Homeroom at ({@code publicUrl}, as {@code https://chat.school.org}), for
   * links in emails and on sign-in slips; and the SMTP server sign-up links are emailed through, when {@code smtpHost}
   * is set ({@code smtpSecurity}: {@code starttls} (required), {@code tls} (from the first byte) or {@code none}).
   */
  public record Mail(String publicUrl, String smtpHost, int smtpPort, String smtpUser, String smtpPassword, String from,
                     String smtpSecurity) {
    public static Mail none() {
      return new Mail(null, null, 587, null, null, null, "starttls");
    }

    public boolean smtpEnabled() {
      return smtpHost != null;
    }

    public Mail withSmtp(String host, int port, String security) {
      return new Mail(publicUrl, host, port, smtpUser, smtpPassword, from == null ? "homeroom@" + host : from, security);
    }

    public Mail withPublicUrl(String url) {
      return new Mail(url, smtpHost, smtpPort, smtpUser, smtpPassword, from, smtpSecurity);
    }
  }

  /**
   * Issue 26: sign-in with the school's OpenID Connect providers, and which roles may still sign in with a password
   * ({@code passwordRoles}: {@code admin}, {@code student}).
   */
  public record Sso(List<OidcProvider> providers, java.util.Set<String> passwordRoles) {
    public static Sso none() {
      return new Sso(List.of(), java.util.Set.of("admin", "student"));
    }

    public OidcProvider provider(String id) {
      return providers.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }
  }

  /**
   * One OpenID Connect provider: {@code id} in URLs, {@code name} on its button, found by discovery from {@code issuer}.
   * {@code allowedDomains}: the email domains it may sign in (empty: any); {@code hostedDomain}: Google's {@code hd}
   * claim that must match; {@code tenant}: Microsoft's {@code tid} claim that must match; {@code autoCreateClass}:
   * when set, a verified email of an allowed domain that matches nobody becomes a new student in that class.
   */
  public record OidcProvider(String id, String name, String issuer, String clientId, String clientSecret,
                             List<String> allowedDomains, String hostedDomain, String tenant, String autoCreateClass) {}

  /** {@code url == null} means: run the embedded PostgreSQL on {@code embeddedPort} with data in {@code dataDir}. */
  public record Db(String url, String user, String password, int poolSize, int embeddedPort, String dataDir) {
    public boolean embedded() {
      return url == null;
    }
  }

  /** {@code eventBusPort} 0 = any free port; fix it when a firewall sits between nodes. */
  public record Cluster(String name, String host, int port, List<String> members, int eventBusPort) {}

  /**
   * Sessions: a configured signing secret (else keys kept in the database, sealed with the key of {@code keyFile}),
   * the secrets it replaced that still verify during a rollover, and how long a session lasts.
   */
  public record Auth(String jwtSecret, List<String> previousJwtSecrets, int sessionHours, boolean cookieSecure,
                     String keyFile) {
    public Auth(String jwtSecret, int sessionHours, boolean cookieSecure) {
      this(jwtSecret, List.of(), sessionHours, cookieSecure, null);
    }
  }

  public record Admin(String email, String password) {}

  /**
   * Issue 31, point 3: Web Push. {@code subject} is the contact push services are given with each push (VAPID's
   * {@code sub}: {@code mailto:} or {@code https:}); {@code allowedEndpoints} the push services a browser's
   * subscription may point at (URL prefixes; {@code https://*.host/} also takes any subdomain), so a subscription
   * can never make a node post to an address of the school's own network.
   */
  public record Push(boolean enabled, String subject, List<String> allowedEndpoints) {
    /** The push services of Chrome/Edge (FCM), Firefox (Mozilla autopush), Safari (Apple) and Windows (WNS). */
    public static final List<String> KNOWN_SERVICES = List.of("https://fcm.googleapis.com/",
        "https://updates.push.services.mozilla.com/", "https://web.push.apple.com/", "https://*.notify.windows.com/");

    public static Push defaults() {
      return new Push(true, "mailto:homeroom@homeroom.invalid", KNOWN_SERVICES);
    }

    public Push off() {
      return new Push(false, subject, allowedEndpoints);
    }

    public Push withAllowedEndpoints(List<String> endpoints) {
      return new Push(enabled, subject, List.copyOf(endpoints));
    }
  }

  /**
   * Each node re-announces its online students every {@code heartbeatSeconds}; a node's claim that nobody renews
   * within {@code ttlSeconds} expires, so a node that dies without closing its sockets leaves nobody "online".
   */
  public record Presence(int heartbeatSeconds, int ttlSeconds) {}

  /**
   * Issue 8, point 3: per-user limits, enforced per node (each node counts only what reaches it; a user connected to
   * two nodes gets each node's allowance). Token buckets per user and kind, on the bridge and on REST alike: a user
   * may do {@code *Burst} at once, then {@code *PerSecond} on average. {@code refusalsBeforeClose} rate-limit refusals
   * on one bridge socket within {@link #ABUSE_WINDOW_MS} close that socket. {@code socketsPerUser}: bridge sockets one
   * user may hold open on one node; a further one is refused. {@code rateLimited} false switches the token buckets off
   * (load tests against a node; never in production).
   */
  public record Limits(boolean rateLimited, int sendPerSecond, int sendBurst, int typingPerSecond, int typingBurst,
                       int acksPerSecond, int acksBurst, int readsPerSecond, int readsBurst, int searchesPerSecond,
                       int searchesBurst, int refusalsBeforeClose, int socketsPerUser) {
    /** Window in which {@code refusalsBeforeClose} refusals close a socket. */
    public static final long ABUSE_WINDOW_MS = 10_000;

    /** The shipped defaults (conf/config.json says the same; 10 refusals before a close: docs/PERFORMANCE.md, issue 24.2). */
    public static Limits defaults() {
      return new Limits(true, 10, 60, 2, 20, 50, 200, 10, 60, 3, 15, 10, 20);
    }

    public Limits withRateLimited(boolean on) {
      return new Limits(on, sendPerSecond, sendBurst, typingPerSecond, typingBurst, acksPerSecond, acksBurst,
          readsPerSecond, readsBurst, searchesPerSecond, searchesBurst, refusalsBeforeClose, socketsPerUser);
    }
  }

  /**
   * Issue 29: operations. {@code metrics}: serve Prometheus text at {@code GET /metrics} on {@code metricsHost}:
   * {@code metricsPort}, a port of its own that the public never reaches (off by default; 127.0.0.1 unless set, so
   * turning it on exposes nothing beyond the machine until the operator says where). {@code drainSeconds}: how long a
   * graceful stop (SIGTERM) waits for in-flight sends to commit and answer before it closes what is left.
   */
  public record Ops(boolean metrics, String metricsHost, int metricsPort, int drainSeconds) {
    public static Ops defaults() {
      return new Ops(false, "127.0.0.1", 9464, 10);
    }

    public Ops withMetrics(String host, int port) {
      return new Ops(true, host, port, drainSeconds);
    }
  }

  /** Environment variable → JSON path in the config file. README.md documents the same table. */
  public static final Map<String, String> ENV = envTable();

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

  /**
   * The key file that seals the session-signing keys kept in the database: {@code auth.keyFile}, else
   * {@code homeroom.key} beside the embedded database's data folder ({@code data/homeroom.key} by default).
   */
  public Path keyFile() {
    return auth.keyFile() != null ? Path.of(auth.keyFile())
        : Path.of(db.dataDir()).toAbsolutePath().resolveSibling("homeroom.key");
  }

  /** Reads the file (or the built-in defaults when {@code file} is null and conf/config.json is absent) and the environment. */
  public static HomeroomConfig load(Path file, Map<String, String> env) {
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
  public static JsonObject defaults() {
    try (InputStream in = HomeroomConfig.class.getResourceAsStream("/conf/config.json")) {
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

  public HomeroomConfig withDemo(boolean demo) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
  }

  public HomeroomConfig withAuth(Auth auth) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
  }

  public HomeroomConfig withLimits(Limits limits) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
  }

  public HomeroomConfig withMail(Mail mail) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
  }

  public HomeroomConfig withSso(Sso sso) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
  }

  public HomeroomConfig withPush(Push push) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
  }

  public HomeroomConfig withOps(Ops ops) {
    return new HomeroomConfig(http, db, cluster, auth, admin, presence, limits, mail, sso, ops, push, demo);
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
