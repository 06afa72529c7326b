package app.homeroom.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static app.homeroom.config.ConfigFields.port;

/**
 * The whole configuration of one node, validated. Loaded from {@code conf/config.json} (or the file given with
 * {@code --config}), then overridden by the environment variables of {@link #ENV}: every key a node needs can
 * be set either way, so the same jar runs on a laptop, in CI and in a container. The records are here; reading and
 * checking them is {@link ConfigReader}'s.
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

  /** Environment variable → JSON path in the config file ({@link ConfigReader#ENV}). README.md documents the same table. */
  public static final Map<String, String> ENV = ConfigReader.ENV;

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
    return ConfigReader.load(file, env);
  }

  /** The defaults shipped inside the jar, so the jar runs from any folder. */
  public static JsonObject defaults() {
    return ConfigReader.defaults();
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

}
