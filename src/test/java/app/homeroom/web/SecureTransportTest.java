package app.homeroom.web;

import app.homeroom.Node;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 11: a request that came over HTTPS (directly, or through a trusted proxy that says so in
 * {@code X-Forwarded-Proto}) gets a {@code Secure} session cookie and HSTS; a plain one, or a header from a client
 * the node does not trust, gets neither.
 */
class SecureTransportTest {

  static School school;
  /** A node behind a trusted proxy. */
  static Node proxied;

  @BeforeAll
  static void start() {
    school = School.fresh();
    proxied = TestEnv.startNode(c -> new HomeroomConfig(new HomeroomConfig.Http(c.http().host(), c.http().port(),
        c.http().instances(), c.http().allowedOrigins(), c.http().webroot(), true), c.db(), c.cluster(), c.auth(),
        c.admin(), c.presence(), c.limits(), c.mail(), c.sso(), c.ops(), c.push(), c.demo()));
  }

  @AfterAll
  static void stop() {
    proxied.close();
  }

  static Api.Response login(String base, String forwardedProto) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/login"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", School.ADMIN_EMAIL)
            .put("password", School.PASSWORD).encode()))
        .header("content-type", "application/json");
    if (forwardedProto != null) {
      b.header("x-forwarded-proto", forwardedProto);
    }
    return new Api(base).send(b);
  }

  static String cookie(Api.Response r) {
    return r.raw().headers().allValues("set-cookie").stream().filter(c -> c.startsWith("hr_session=")).findFirst()
        .orElseThrow();
  }

  @Test
  @DisplayName("behind a trusted proxy that says https: a Secure cookie and Strict-Transport-Security")
  void https_through_a_trusted_proxy() {
    Api.Response r = login("http://localhost:" + proxied.httpPort(), "https");
    assertEquals(200, r.status(), r.raw().body());
    assertTrue(cookie(r).toLowerCase().contains("; secure"), cookie(r));
    String hsts = r.raw().headers().firstValue("strict-transport-security").orElse("");
    assertTrue(hsts.startsWith("max-age="), "HSTS: " + hsts);
    // A chain of proxies: the last one (ours) speaks for the client's leg.
    assertTrue(cookie(login("http://localhost:" + proxied.httpPort(), "http, https")).toLowerCase().contains("; secure"));
  }

  @Test
  @DisplayName("plain http, or a header the node does not trust: neither")
  void plain_http() {
    Api.Response plain = login("http://localhost:" + proxied.httpPort(), "http");
    assertEquals(200, plain.status());
    assertFalse(cookie(plain).toLowerCase().contains("secure"), cookie(plain));
    assertTrue(plain.raw().headers().firstValue("strict-transport-security").isEmpty());
    // The shared test node trusts no proxy: a client cannot make it claim HTTPS.
    Api.Response forged = login(TestEnv.baseUrl(), "https");
    assertEquals(200, forged.status());
    assertFalse(cookie(forged).toLowerCase().contains("secure"), cookie(forged));
    assertTrue(forged.raw().headers().firstValue("strict-transport-security").isEmpty());
  }
}
