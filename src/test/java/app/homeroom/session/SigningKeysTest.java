package app.homeroom.session;

import app.homeroom.Node;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.db.StartupException;
import app.homeroom.support.Await;
import app.homeroom.support.School;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, point 1: the session-signing keys a school keeps in its database are sealed with a key file the database
 * never sees, so what the app's role (or a dump) can read signs nothing; a rotation ends no session. Before: the key
 * sat in plain text in {@code settings.session_key}, and a student token re-signed with it as user 1 / admin opened
 * {@code /api/me}.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SigningKeysTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String LEGACY_KEY = "a-plain-session-key-kept-in-settings-before-issue-24";

  private static Path keyFile;
  private static Node node;
  private static School school;
  private static Vertx vertx;
  private static String legacyToken;

  @BeforeAll
  static void start() throws Exception {
    school = School.fresh();
    vertx = Vertx.vertx();
    TestDb db = TestEnv.db();
    // The database as a node before issue 24 left it: the key in plain text, a session it signed (no key id).
    db.exec("delete from signing_keys");
    db.exec("insert into settings (key, value) values ('session_key', ?) on conflict (key) do update set value = excluded.value",
        LEGACY_KEY);
    legacyToken = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
            .setBuffer(LEGACY_KEY)))
        .generateToken(claims(school.student, "student", "Sam Student"), options());
    keyFile = Files.createTempDirectory("homeroom-keys").resolve("homeroom.key");
    // Pushes off: the test database's Web Push keys are sealed with the other nodes' key file, not this test's.
    node = TestEnv.startNode(c -> c.withAuth(new HomeroomConfig.Auth(null, List.of(), c.auth().sessionHours(), false,
        keyFile.toString())).withPush(c.push().off()));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
    TestEnv.db().exec("delete from signing_keys");
    vertx.close();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  @DisplayName("Issue 24.1: the plain key is sealed away, its sessions go on, and nothing the database holds signs a session")
  void kept_keys_are_sealed() throws Exception {
    TestDb db = TestEnv.db();
    assertEquals(0, db.queryLong("select count(*) from settings where key = 'session_key'"), "the plain key is gone");
    String sealed = db.queryString("select sealed from signing_keys where kid = 'legacy'");
    assertFalse(sealed.contains(LEGACY_KEY));
    // Anyone could read the plain key: it is rotated at once (it verifies its sessions until they expire, no longer).
    assertEquals(1, db.queryLong("select count(*) from signing_keys where kid = 'legacy' and retires_at > now()"));
    assertEquals(1, db.queryLong("select count(*) from signing_keys where kid <> 'legacy' and retires_at is null"
        + " and signs_from > now() + interval '100 seconds'"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    assertEquals(200, me(legacyToken), "a session signed before goes on");

    // The attack that worked: a student's token, re-signed as user 1 / admin with what the database now holds.
    for (String secret : new String[] {sealed, sealed.substring(3)}) {
      for (String kid : new String[] {null, "legacy", node.context().signingKeys().signingKid()}) {
        JWTOptions options = options();
        if (kid != null) {
          options.setHeader(new JsonObject().put("kid", kid));
        }
        String forged = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
            .setAlgorithm("HS256").setBuffer(secret))).generateToken(claims(school.admin, "admin", "Forged"), options);
        assertEquals(401, me(forged), "signed with what the database holds (kid " + kid + ")");
      }
    }
    // Another key file cannot open them: a clear refusal, not a node signing with something else.
    StartupException wrong = assertThrows(StartupException.class, () -> new SigningKeyStore(node.context().db(),
        KeyVault.openOrCreate(Files.createTempDirectory("other-keys").resolve("homeroom.key"))).load());
    assertTrue(wrong.getMessage().contains("sealed with another key"), wrong.getMessage());
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  @DisplayName("Issue 24.1: after a rotation both keys verify, new sessions use the new key, and a retired key's sessions end")
  void rotation_keeps_sessions() throws Exception {
    String before = login();
    String oldKid = SigningKeys.kidOf(before);
    assertEquals(node.context().signingKeys().signingKid(), oldKid);

    // The operator's command as the README gives it, in a JVM of its own, on this test's database and key file.
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), "app.homeroom.Main", "--rotate-session-key").redirectErrorStream(true);
    pb.environment().remove("HOMEROOM_JWT_SECRET");
    pb.environment().put("HOMEROOM_DB_URL", TestEnv.config(0).db().url());
    pb.environment().put("HOMEROOM_KEY_FILE", keyFile.toString());
    Process rotate = pb.start();
    assertTrue(rotate.waitFor(60, TimeUnit.SECONDS));
    String out = new String(rotate.getInputStream().readAllBytes());
    assertEquals(0, rotate.exitValue(), out);
    Matcher m = Pattern.compile("New session-signing key (\\S+):").matcher(out);
    assertTrue(m.find(), out);
    String newKid = m.group(1);
    assertNotEquals(oldKid, newKid);

    SigningKeyStore store = new SigningKeyStore(node.context().db(), KeyVault.open(keyFile));
    // Not signing yet: every node learns of it first.
    assertEquals(oldKid, store.load().signingKid());
    assertTrue(store.load().accepted().stream().anyMatch(k -> k.kid().equals(newKid)));

    // Two minutes later (the rollover, moved on here): a node reloading its keys signs with the new one.
    TestEnv.db().exec("update signing_keys set signs_from = now() - interval '1 second' where kid = ?", newKid);
    SigningKeys ring = node.context().signingKeys();
    store.keepLoaded(vertx, ring, 200);
    Await.until(() -> ring.signingKid().equals(newKid), 10_000, "the node signs with the new key");
    String after = login();
    assertEquals(newKid, SigningKeys.kidOf(after));
    assertEquals(200, me(before), "a session of the old key goes on");
    assertEquals(200, me(after));

    // Once every session of the old keys has expired they retire, and what they signed is refused.
    TestEnv.db().exec("update signing_keys set retires_at = now() - interval '1 second' where kid <> ?", newKid);
    Await.until(() -> !ring.acceptedKids().contains(oldKid), 10_000, "the old key retires");
    assertEquals(401, me(before));
    assertEquals(401, me(legacyToken));
    assertEquals(200, me(after));
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  @DisplayName("Issue 24.1: a configured secret's rollover: sessions of the previous secret verify, none it could sign is made")
  void configured_rollover() throws Exception {
    String old = "o".repeat(40);
    String next = "n".repeat(40);
    app.homeroom.bus.Identity sam = new app.homeroom.bus.Identity(school.student, app.homeroom.bus.Identity.Role.STUDENT, "Sam");
    String before = new Sessions(SigningKeys.configured(vertx, old, List.of()), 1).issue(sam);
    String legacy = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(old))).generateToken(claims(school.student, "student", "Sam"), options()); // no kid: before ids
    Sessions rolled = new Sessions(SigningKeys.configured(vertx, next, List.of(old)), 1);
    assertEquals(school.student, rolled.verify(before).toCompletionStage().toCompletableFuture().get().userId());
    assertEquals(school.student, rolled.verify(legacy).toCompletionStage().toCompletableFuture().get().userId());
    String after = rolled.issue(sam);
    assertEquals(SigningKeys.configuredKid(next), SigningKeys.kidOf(after));
    // Once the old secret is dropped, its sessions end; the new one's go on.
    Sessions done = new Sessions(SigningKeys.configured(vertx, next, List.of()), 1);
    assertThrows(Exception.class, () -> done.verify(before).toCompletionStage().toCompletableFuture().get());
    assertThrows(Exception.class, () -> done.verify(legacy).toCompletionStage().toCompletableFuture().get());
    assertEquals(school.student, done.verify(after).toCompletionStage().toCompletableFuture().get().userId());
  }

  private static JsonObject claims(long userId, String role, String name) {
    return new JsonObject().put("sub", Long.toString(userId)).put("role", role).put("name", name)
        .put("jti", "forged-" + System.nanoTime());
  }

  private static JWTOptions options() {
    return new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600).setIssuer("homeroom")
        .setAudience(List.of("homeroom"));
  }

  private static int me(String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + "/api/me"))
        .header("cookie", "hr_session=" + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** Signs Sam in on the test's node; answers the session token. */
  private static String login() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + "/api/login"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", School.STUDENT_EMAIL)
            .put("password", School.PASSWORD).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("hr_session="))
        .map(c -> c.substring("hr_session=".length(), c.indexOf(';'))).findFirst().orElseThrow();
  }
}
