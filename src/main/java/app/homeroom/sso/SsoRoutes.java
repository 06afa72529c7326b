package app.homeroom.sso;

import app.homeroom.account.AccountRoutes;
import app.homeroom.account.AccountService;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.common.FailureLog;
import app.homeroom.web.Https;
import app.homeroom.web.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sign-in with the school's account (issue 26): OpenID Connect's authorization-code flow with PKCE.
 *
 * <ul>
 *   <li>{@code GET /api/sso/providers}: the buttons for the sign-in page, and which roles may still use a password.</li>
 *   <li>{@code GET /api/sso/:id/start?returnTo=}: a new state (kept hashed in {@code sso_logins} and, as it is, in a
 *   ten-minute cookie of this browser), nonce and PKCE verifier; then off to the provider.</li>
 *   <li>{@code GET /api/sso/:id/callback?code&state}: the state must be this browser's and unused; the code is
 *   exchanged with the verifier; the ID token is verified ({@link OidcClient}); its verified email must belong to a
 *   person in the roster (and to an allowed domain, hosted domain or tenant, when configured), who must not be
 *   disabled. Then the session is issued exactly as a password sign-in issues it. The role is the roster's, never
 *   the provider's.</li>
 * </ul>
 *
 * Every refusal ends on the sign-in page with a fixed reason ({@code /login?sso=<code>}), never a stack trace, a 500,
 * or words from the request. These routes take no session and run no origin check: the callback is the provider's
 * cross-site redirect, and the state cookie is what ties it to the browser that started.
 */
public final class SsoRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(SsoRoutes.class);
  static final String STATE_COOKIE = "hr_sso";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Where a sign-in may return to: a path of ours, never another site ("//evil", "https:…"). */
  private static final Pattern RETURN_TO = Pattern.compile("^/(?!/)[A-Za-z0-9/_.?=&%-]{0,500}$");

  private final Pool pool;
  private final HomeroomConfig config;
  private final AccountRoutes account;
  private final Map<String, OidcClient> clients = new LinkedHashMap<>();

  public SsoRoutes(Vertx vertx, Pool pool, HomeroomConfig config, AccountRoutes account) {
    this.pool = pool;
    this.config = config;
    this.account = account;
    config.sso().providers().forEach(p -> clients.put(p.id(), new OidcClient(vertx, p)));
  }

  public void mount(Router router) {
    router.get("/api/sso/providers").handler(this::providers);
    router.get("/api/sso/:provider/start").handler(this::start);
    router.get("/api/sso/:provider/callback").handler(this::callback);
  }

  /**
   * {@code {providers: [{id, name, endSessionUrl?}], passwordSignIn: [roles]}}, at once: the sign-in page never waits
   * for a provider. Its sign-out address is known once it has been discovered (this asks for that in the background).
   */
  private void providers(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (OidcClient c : clients.values()) {
      JsonObject p = new JsonObject().put("id", c.config.id()).put("name", c.config.name());
      Future<OidcClient.Discovered> d = c.discover();
      if (d.succeeded() && d.result().endSessionUri() != null) {
        p.put("endSessionUrl", d.result().endSessionUri());
      }
      list.add(p);
    }
    Json.ok(ctx, 200, new JsonObject().put("providers", list)
        .put("passwordSignIn", new JsonArray(config.sso().passwordRoles().stream().sorted().toList())));
  }

  private void start(RoutingContext ctx) {
    OidcClient client = clients.get(ctx.pathParam("provider"));
    if (client == null) {
      fail(ctx, new SsoException("unknown_provider", "No such provider"));
      return;
    }
    String returnTo = ctx.request().getParam("returnTo");
    if (returnTo != null && !RETURN_TO.matcher(returnTo).matches()) {
      returnTo = null;
    }
    String state = random(32);
    String nonce = random(24);
    String verifier = random(48);
    String back = returnTo;
    client.discover()
        .recover(err -> Future.failedFuture(new SsoException("provider_down", err.getMessage())))
        .compose(d -> pool.preparedQuery(SsoSql.START).execute(Tuple.of(Buffer.buffer(sha256(state)),
                client.config.id(), nonce, verifier, back))
            .map(v -> client.authorizeUrl(d, redirectUri(client), state, nonce, challenge(verifier))))
        .onSuccess(url -> {
          ctx.response().addCookie(stateCookie(ctx, state, 600));
          redirect(ctx, url);
        })
        .onFailure(err -> fail(ctx, err));
  }

  private void callback(RoutingContext ctx) {
    OidcClient client = clients.get(ctx.pathParam("provider"));
    if (client == null) {
      fail(ctx, new SsoException("unknown_provider", "No such provider"));
      return;
    }
    String error = ctx.request().getParam("error");
    String code = ctx.request().getParam("code");
    String state = ctx.request().getParam("state");
    Cookie cookie = ctx.request().getCookie(STATE_COOKIE);
    ctx.response().addCookie(stateCookie(ctx, "", 0)); // used or not, this browser's pending sign-in ends here
    if (error != null) {
      fail(ctx, new SsoException("access_denied".equals(error) ? "denied" : "provider_error",
          "The provider answered " + FailureLog.printable(error)));
      return;
    }
    if (code == null || state == null || code.length() > 2048 || state.length() > 256 || cookie == null
        || !MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.US_ASCII), state.getBytes(StandardCharsets.US_ASCII))) {
      fail(ctx, new SsoException("bad_state", "The callback's state is not this browser's sign-in"));
      return;
    }
    pool.preparedQuery(SsoSql.USE).execute(Tuple.of(Buffer.buffer(sha256(state)), client.config.id()))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new SsoException("expired", "The sign-in was used already or is over ten minutes old"))
            : Future.succeededFuture(rows.iterator().next()))
        .compose(login -> client.discover()
            .recover(err -> Future.failedFuture(new SsoException("provider_down", err.getMessage())))
            .compose(d -> client.exchange(d, code, redirectUri(client), login.getString("code_verifier"))
                .recover(err -> Future.failedFuture(err instanceof SsoException ? err
                    // The library checks the tokens' expiry as it takes them: an expired ID token is a bad token.
                    : new SsoException(String.valueOf(err.getMessage()).contains("expired") ? "bad_token"
                        : "exchange_failed", err.getMessage())))
                .compose(idToken -> client.verify(d, idToken, login.getString("nonce"))))
            .compose(claims -> person(client.config, claims))
            .map(signedIn -> {
              account.startSession(ctx, signedIn);
              String role = signedIn.user().getString("role");
              String back = login.getString("return_to");
              boolean fits = back != null && back.startsWith("student".equals(role) ? "/student" : "/admin");
              return fits ? back : "student".equals(role) ? "/student" : "/admin";
            }))
        .onSuccess(path -> redirect(ctx, path))
        .onFailure(err -> fail(ctx, err));
  }

  /** The roster's person for the verified claims, or why not; auto-created when the provider allows it. */
  private Future<AccountService.SignedIn> person(HomeroomConfig.OidcProvider p, JsonObject claims) {
    String email = claims.getString("email");
    boolean tenantVouches = p.tenant() != null && p.tenant().equals(claims.getString("tid"));
    if (email == null && tenantVouches) {
      email = claims.getString("preferred_username"); // Entra ID: the school-managed sign-in name
    }
    if (email == null || !email.contains("@")) {
      return Future.failedFuture(new SsoException("no_email", "The provider gave no email address"));
    }
    // A school's own tenant vouches for its addresses (Entra ID sends no email_verified); anyone else must say so.
    if (!Boolean.TRUE.equals(claims.getValue("email_verified")) && !"true".equals(claims.getValue("email_verified"))
        && !tenantVouches) {
      return Future.failedFuture(new SsoException("unverified", "The provider has not verified " + email));
    }
    String domain = email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    if (!p.allowedDomains().isEmpty() && !p.allowedDomains().contains(domain)) {
      return Future.failedFuture(new SsoException("wrong_domain", "Email domain " + domain + " is not allowed"));
    }
    if (p.hostedDomain() != null && !p.hostedDomain().equalsIgnoreCase(claims.getString("hd", ""))) {
      return Future.failedFuture(new SsoException("wrong_domain", "Not an account of hosted domain " + p.hostedDomain()));
    }
    if (p.tenant() != null && !tenantVouches) {
      return Future.failedFuture(new SsoException("wrong_domain", "Not an account of tenant " + p.tenant()));
    }
    String subject = claims.getString("sub");
    String address = email;
    return pool.preparedQuery(SsoSql.PERSON_BY_EMAIL).execute(Tuple.of(address)).compose(rows -> {
      if (rows.size() == 0) {
        if (p.autoCreateClass() == null || p.allowedDomains().isEmpty()) {
          return Future.failedFuture(new SsoException("unknown_person", address + " is not in the roster"));
        }
        String name = claims.getString("name", address.substring(0, address.indexOf('@')));
        String rollId = "SSO-" + hex(sha256(p.id() + ":" + subject)).substring(0, 16);
        return pool.preparedQuery(SsoSql.AUTO_CREATE).execute(Tuple.of(name.length() > 200 ? name.substring(0, 200) : name,
                address.toLowerCase(Locale.ROOT), rollId, p.autoCreateClass(), p.id(), subject))
            .map(created -> signedIn(created.iterator().next()));
      }
      Row r = rows.iterator().next();
      if (r.getOffsetDateTime("disabled_at") != null) {
        return Future.failedFuture(new SsoException("disabled", "The account of " + address + " is disabled"));
      }
      return pool.preparedQuery(SsoSql.SIGNED_IN).execute(Tuple.of(r.getLong("id"), p.id(), subject))
          .map(v -> signedIn(r));
    });
  }

  private static AccountService.SignedIn signedIn(Row r) {
    return new AccountService.SignedIn(AccountService.userJson(r), r.getInteger("session_epoch"));
  }

  private String redirectUri(OidcClient client) {
    return config.mail().publicUrl().replaceAll("/+$", "") + "/api/sso/" + client.config.id() + "/callback";
  }

  /** The sign-in page, saying why in a word it knows. Logged as one WARN line: never a token or a code. */
  private static void fail(RoutingContext ctx, Throwable err) {
    String code = err instanceof SsoException s ? s.code : "internal";
    LOG.warn("Sign-in with a provider refused ({}): {}", code, FailureLog.printable(err.getMessage()));
    redirect(ctx, "/login?sso=" + code);
  }

  private static void redirect(RoutingContext ctx, String location) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(302).putHeader("location", location).putHeader("cache-control", "no-store").end();
  }

  private Cookie stateCookie(RoutingContext ctx, String value, long maxAge) {
    // Lax: the provider's redirect back is a cross-site top-level GET, which Lax cookies accompany and Strict do not.
    return Cookie.cookie(STATE_COOKIE, value).setPath("/api/sso/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
        .setSecure(config.auth().cookieSecure() || Https.isSecure(ctx, config.http().trustProxy())).setMaxAge(maxAge);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** PKCE S256: the verifier's SHA-256, base64url. */
  static String challenge(String verifier) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder out = new StringBuilder();
    for (byte x : b) {
      out.append(String.format("%02x", x));
    }
    return out.toString();
  }
}
