package app.homeroom.sso;

import app.homeroom.config.HomeroomConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One OpenID Connect provider as this node talks to it (issue 26): found by discovery
 * ({@code .well-known/openid-configuration}, vertx-auth-oauth2's {@link OpenIDConnectAuth}), which also builds the
 * authorization URL and exchanges the code (with the PKCE verifier) for tokens.
 *
 * <p>The ID token is then verified here, whatever the library made of it: its signature against the provider's
 * published keys (vertx-auth-jwt), its issuer, its audience (this client; with several audiences, {@code azp} must be
 * this client), its expiry and issue time (a minute's leeway for clocks), and the nonce of this sign-in. The keys are
 * cached; a token signed with a key the cache does not hold makes one fresh fetch (at most every 5 s), so a provider
 * that rotates its keys is followed without a restart. A provider that cannot be reached is asked again next time.
 */
final class OidcClient {

  private static final Logger LOG = LoggerFactory.getLogger(OidcClient.class);
  static final long LEEWAY_SECONDS = 60;
  /** A token naming a key the cache lacks makes a fresh fetch, at most this often (a forged kid cannot flood it). */
  private static final long KEYS_REFRESH_MS = 5_000;
  /** The longest one fetch of the provider's keys may take; a fetch that fails in transit is tried once more. */
  static final long FETCH_DEADLINE_MS = 10_000;

  final HomeroomConfig.OidcProvider config;
  private final Vertx vertx;
  private final HttpClient http;
  private Future<Discovered> discovered;
  private JWTAuth verifier;
  /** The key ids the cached keys hold, and when a missing one last made a fetch. */
  private java.util.Set<String> kids = java.util.Set.of();
  private long missFetchedAt;

  /** What discovery found: the library's client, and the issuer, keys and sign-out addresses it read. */
  record Discovered(OAuth2Auth auth, String issuer, String jwksUri, String endSessionUri) {}

  OidcClient(Vertx vertx, HomeroomConfig.OidcProvider config) {
    this.vertx = vertx;
    this.config = config;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  /** The provider's configuration, discovered once (again after a failure). */
  Future<Discovered> discover() {
    Future<Discovered> d = discovered;
    if (d != null && !d.failed()) {
      return d;
    }
    OAuth2Options options = new OAuth2Options().setClientId(config.clientId()).setClientSecret(config.clientSecret())
        .setSite(config.issuer()).setValidateIssuer(true).setHttpClientOptions(new HttpClientOptions().setConnectTimeout(5_000));
    Future<Discovered> next = OpenIDConnectAuth.discover(vertx, options)
        .map(auth -> new Discovered(auth, options.getJWTOptions() == null ? config.issuer()
            : options.getJWTOptions().getIssuer(), options.getJwkPath(), options.getLogoutPath()))
        .onFailure(err -> LOG.warn("OpenID Connect provider '{}' ({}) could not be discovered: {}", config.id(),
            config.issuer(), err.getMessage()));
    discovered = next;
    return next;
  }

  String authorizeUrl(Discovered d, String redirectUri, String state, String nonce, String codeChallenge) {
    OAuth2AuthorizationURL url = new OAuth2AuthorizationURL().setRedirectUri(redirectUri).setState(state)
        .setScopes(List.of("openid", "email", "profile")).setCodeChallenge(codeChallenge).setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", nonce);
    if (config.hostedDomain() != null) {
      url.putAdditionalParameter("hd", config.hostedDomain()); // Google: offer only the school's accounts
    }
    return d.auth().authorizeURL(url);
  }

  /** Exchanges the code for tokens: the raw ID token. */
  Future<String> exchange(Discovered d, String code, String redirectUri, String codeVerifier) {
    return d.auth().authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
            .setRedirectUri(redirectUri).setCodeVerifier(codeVerifier))
        .map(User::principal)
        .map(principal -> {
          String idToken = principal.getString("id_token");
          if (idToken == null) {
            throw new SsoException("no_id_token", "The provider answered without an ID token");
          }
          return idToken;
        });
  }

  /** The ID token's claims once every check passed; else an {@link SsoException} saying which failed. */
  Future<JsonObject> verify(Discovered d, String idToken, String nonce) {
    return keys(d, false)
        .compose(auth -> {
          String kid = app.homeroom.session.SigningKeys.kidOf(idToken);
          long now = System.currentTimeMillis();
          if (kid != null && !kids.contains(kid) && now - missFetchedAt >= KEYS_REFRESH_MS) {
            // Signed with a key published since the cache was filled (a rotation): fetch the keys again.
            missFetchedAt = now;
            return keys(d, true);
          }
          return Future.succeededFuture(auth);
        })
        .compose(auth -> auth.authenticate(new TokenCredentials(idToken)))
        .recover(err -> {
          // A provider may also replace a key under the same id: a signature that fails is checked once more
          // against freshly fetched keys (as rarely as a missing id is).
          long now = System.currentTimeMillis();
          if (!String.valueOf(err.getMessage()).contains("Signature") || now - missFetchedAt < KEYS_REFRESH_MS) {
            return Future.failedFuture(err);
          }
          missFetchedAt = now;
          return keys(d, true).compose(auth -> auth.authenticate(new TokenCredentials(idToken)));
        })
        .recover(err -> Future.failedFuture(new SsoException("bad_token", "The ID token was refused: " + err.getMessage())))
        .map(user -> {
          // vertx-auth-jwt keeps the verified claims as the "accessToken" attribute (and exp, iat beside them).
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          Object aud = claims.getValue("aud");
          if (aud instanceof JsonArray many && many.size() > 1 && !config.clientId().equals(claims.getString("azp"))) {
            throw new SsoException("bad_token", "The ID token names several audiences but not this client as its party");
          }
          if (!d.issuer().equals(claims.getString("iss"))) {
            throw new SsoException("bad_token", "The ID token comes from another issuer");
          }
          Long iat = claims.getLong("iat");
          long now = System.currentTimeMillis() / 1000;
          if (claims.getLong("exp") == null || iat == null || iat > now + LEEWAY_SECONDS) {
            throw new SsoException("bad_token", "The ID token's times are missing or in the future");
          }
          if (!nonce.equals(claims.getString("nonce"))) {
            throw new SsoException("bad_token", "The ID token is not for this sign-in (nonce)");
          }
          return claims;
        });
  }

  /** A verifier holding the provider's current keys, fetched when there is none yet or {@code refresh} asks. */
  private Future<JWTAuth> keys(Discovered d, boolean refresh) {
    if (verifier != null && !refresh) {
      return Future.succeededFuture(verifier);
    }
    if (d.jwksUri() == null) {
      return Future.failedFuture(new SsoException("provider", "The provider publishes no keys (jwks_uri)"));
    }
    return getJson(d.jwksUri()).map(jwks -> {
      List<JsonObject> keys = new ArrayList<>();
      java.util.Set<String> ids = new java.util.HashSet<>();
      for (Object k : jwks.getJsonArray("keys", new JsonArray())) {
        if (k instanceof JsonObject key && !"enc".equals(key.getString("use"))) {
          // Microsoft's keys name no algorithm; an RSA signing key in OpenID Connect is RS256 unless it says otherwise.
          if (key.getString("kid") != null) {
            ids.add(key.getString("kid"));
          }
          keys.add(key.containsKey("alg") ? key : key.copy().put("alg", "RSA".equals(key.getString("kty")) ? "RS256" : "ES256"));
        }
      }
      kids = java.util.Set.copyOf(ids);
      verifier = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(keys).setJWTOptions(new JWTOptions()
          .setIssuer(d.issuer()).setAudience(List.of(config.clientId())).setLeeway((int) LEEWAY_SECONDS)));
      return verifier;
    });
  }

  /** The keys document; a fetch that fails in transit (a dropped connection, a timeout) is tried once more. */
  private Future<JsonObject> getJson(String url) {
    return getJsonOnce(url).recover(err -> err instanceof SsoException ? Future.failedFuture(err) : getJsonOnce(url));
  }

  /**
   * One fetch of a JSON document, failed after {@value #FETCH_DEADLINE_MS} ms whatever it waits on. The connect and
   * idle timeouts should do that on their own, but twice on CI (stops 37 and 38) a first fetch of the keys was never
   * answered, failed or timed out, with every thread idle; the deadline makes it one more try instead of a sign-in
   * that waits forever, and the log says how far the fetch had come.
   */
  private Future<JsonObject> getJsonOnce(String url) {
    Promise<JsonObject> out = Promise.promise();
    String[] stage = {"connecting"};
    long deadline = vertx.setTimer(FETCH_DEADLINE_MS, id -> {
      if (out.tryFail(new java.util.concurrent.TimeoutException("no answer from " + url + " in " + FETCH_DEADLINE_MS
          + " ms (" + stage[0] + ")"))) {
        LOG.warn("OpenID Connect provider '{}': no answer from {} in {} ms ({}); trying again", config.id(), url,
            FETCH_DEADLINE_MS, stage[0]);
      }
    });
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).putHeader("accept", "application/json")
            .setConnectTimeout(5_000).setIdleTimeout(FETCH_DEADLINE_MS - 2_000))
        .compose(req -> {
          stage[0] = "request sent";
          return req.send();
        })
        .compose(res -> {
          stage[0] = "reading the body of a " + res.statusCode();
          return res.statusCode() == 200 ? res.body()
              : Future.failedFuture(new SsoException("provider", "The provider's keys answered " + res.statusCode()));
        })
        .map(body -> new JsonObject(body))
        .onComplete(done -> {
          vertx.cancelTimer(deadline);
          if (done.succeeded()) {
            out.tryComplete(done.result());
          } else {
            out.tryFail(done.cause());
          }
        });
    return out.future();
  }
}
