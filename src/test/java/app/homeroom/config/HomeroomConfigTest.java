package app.homeroom.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HomeroomConfigTest {

  @Test
  @DisplayName("Defaults: embedded database, HTTP on 8080, TCP-IP members listed one port each")
  void defaults_run_embedded() {
    HomeroomConfig c = ConfigReader.fromJson(HomeroomConfig.defaults());
    assertTrue(c.db().embedded());
    assertEquals(8080, c.http().port());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), c.cluster().members());
    assertFalse(c.demo());
    // Issue 24, point 1: the key file that seals kept signing keys sits beside the embedded data folder.
    assertEquals(Path.of("data/homeroom.key").toAbsolutePath(), c.keyFile());
    assertEquals(List.of(), c.auth().previousJwtSecrets());
  }

  @Test
  @DisplayName("Issue 24.1: a configured secret's rollover: the secrets it replaced, and where the key file is")
  void signing_key_settings() {
    String next = "n".repeat(40);
    HomeroomConfig c = HomeroomConfig.load(null, Map.of("HOMEROOM_JWT_SECRET", next,
        "HOMEROOM_JWT_PREVIOUS_SECRETS", "o".repeat(32) + ", " + "p".repeat(33), "HOMEROOM_KEY_FILE", "/srv/keys/hr.key"));
    assertEquals(next, c.auth().jwtSecret());
    assertEquals(List.of("o".repeat(32), "p".repeat(33)), c.auth().previousJwtSecrets());
    assertEquals(Path.of("/srv/keys/hr.key"), c.keyFile());
    assertMessage(Map.of("HOMEROOM_JWT_SECRET", next, "HOMEROOM_JWT_PREVIOUS_SECRETS", "short"), "HOMEROOM_JWT_PREVIOUS_SECRETS");
    assertMessage(Map.of("HOMEROOM_JWT_PREVIOUS_SECRETS", "o".repeat(32)), "needs auth.jwtSecret");
  }

  @Test
  @DisplayName("Issue 31.3: Web Push is on by default for the known push services; its contact is the school's mail"
      + " address, else its https address; a bad subject or endpoint prefix stops the node with the variable's name")
  void push_settings() {
    HomeroomConfig d = ConfigReader.fromJson(HomeroomConfig.defaults());
    assertTrue(d.push().enabled());
    assertEquals(HomeroomConfig.Push.KNOWN_SERVICES, d.push().allowedEndpoints());
    assertEquals("mailto:homeroom@homeroom.invalid", d.push().subject());
    HomeroomConfig mailing = HomeroomConfig.load(null, Map.of("HOMEROOM_SMTP_HOST", "smtp.school.org",
        "HOMEROOM_SMTP_FROM", "Homeroom <homeroom@school.org>", "HOMEROOM_PUBLIC_URL", "https://chat.school.org"));
    assertEquals("mailto:homeroom@school.org", mailing.push().subject());
    assertEquals("https://chat.school.org",
        HomeroomConfig.load(null, Map.of("HOMEROOM_PUBLIC_URL", "https://chat.school.org")).push().subject());
    HomeroomConfig set = HomeroomConfig.load(null, Map.of("HOMEROOM_PUSH", "false", "HOMEROOM_PUSH_SUBJECT",
        "mailto:it@school.org", "HOMEROOM_PUSH_ALLOWED_ENDPOINTS", "https://push.school.org/, https://*.notify.windows.com/"));
    assertFalse(set.push().enabled());
    assertEquals("mailto:it@school.org", set.push().subject());
    assertEquals(List.of("https://push.school.org/", "https://*.notify.windows.com/"), set.push().allowedEndpoints());
    assertMessage(Map.of("HOMEROOM_PUSH_SUBJECT", "it@school.org"), "HOMEROOM_PUSH_SUBJECT");
    assertMessage(Map.of("HOMEROOM_PUSH_ALLOWED_ENDPOINTS", "fcm.googleapis.com"), "HOMEROOM_PUSH_ALLOWED_ENDPOINTS");
    assertMessage(Map.of("HOMEROOM_PUSH_ALLOWED_ENDPOINTS", "https://fcm.googleapis.com"), "HOMEROOM_PUSH_ALLOWED_ENDPOINTS");
  }

  @Test
  @DisplayName("Environment variables override the file")
  void environment_overrides_the_file(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"http\": {\"port\": 9000}, \"demo\": true}");
    HomeroomConfig fromFile = HomeroomConfig.load(file, Map.of());
    assertEquals(9000, fromFile.http().port());
    assertTrue(fromFile.demo());

    HomeroomConfig c = HomeroomConfig.load(file, Map.of(
        "HOMEROOM_HTTP_PORT", "8081",
        "HOMEROOM_DB_URL", "postgresql://app:s3cret@db.example:6543/school",
        "HOMEROOM_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701",
        "HOMEROOM_DEMO", "false",
        "HOMEROOM_ALLOWED_ORIGINS", "https://school.example.org"));
    assertEquals(8081, c.http().port());
    assertFalse(c.demo());
    assertFalse(c.db().embedded());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.cluster().members());
    assertEquals(List.of("https://school.example.org"), c.http().allowedOrigins());
    var target = app.homeroom.db.DbTarget.fromConfig(c.db());
    assertEquals("app", target.user());
    assertEquals("s3cret", target.password());
    assertEquals("jdbc:postgresql://db.example:6543/school", target.jdbcUrl());
    assertFalse(target.describe().contains("s3cret"), "log lines never show the password");
    assertNull(c.auth().jwtSecret());
  }

  @Test
  @DisplayName("A database URL keeps '+' and percent-escapes in credentials, and passes sslmode on")
  void database_url_credentials_and_ssl() {
    HomeroomConfig c = HomeroomConfig.load(null, Map.of(
        "HOMEROOM_DB_URL", "postgresql://app:p%40ss+word%3A1@db.example/school?sslmode=require"));
    var target = app.homeroom.db.DbTarget.fromConfig(c.db());
    assertEquals("p@ss+word:1", target.password());
    assertEquals(5432, target.port());
    assertEquals("jdbc:postgresql://db.example:5432/school?sslmode=require", target.jdbcUrl());
    assertEquals(io.vertx.pgclient.SslMode.REQUIRE, target.connectOptions().getSslMode());
    assertThrows(ConfigException.class, () -> app.homeroom.db.DbTarget.fromConfig(HomeroomConfig.load(null,
        Map.of("HOMEROOM_DB_URL", "postgresql://app@db.example/school?sslmode=sometimes")).db()));
  }

  @Test
  @DisplayName("Bad configuration fails with one line that names the setting to fix")
  void bad_configuration_is_explained() {
    assertMessage(Map.of("HOMEROOM_HTTP_PORT", "eighty"), "http.port (HOMEROOM_HTTP_PORT)");
    assertMessage(Map.of("HOMEROOM_HTTP_PORT", "70000"), "HOMEROOM_HTTP_PORT");
    assertMessage(Map.of("HOMEROOM_CLUSTER_MEMBERS", "127.0.0.1:5701-5703"), "one port, not a range");
    assertMessage(Map.of("HOMEROOM_DB_URL", "mysql://x/y"), "HOMEROOM_DB_URL");
    assertMessage(Map.of("HOMEROOM_JWT_SECRET", "short"), "HOMEROOM_JWT_SECRET");
    assertMessage(Map.of("HOMEROOM_ADMIN_PASSWORD", "é".repeat(40)), "at most 72 bytes");
    assertMessage(Map.of("HOMEROOM_EVENTBUS_PORT", "-1"), "HOMEROOM_EVENTBUS_PORT");
    assertMessage(Map.of("HOMEROOM_DEMO", "maybe"), "'demo' must be true or false");
    assertMessage(Map.of("HOMEROOM_ALLOWED_ORIGINS", "school.example.org/path"), "allowedOrigins");
    ConfigException missing = assertThrows(ConfigException.class, () -> HomeroomConfig.load(Path.of("/nonexistent.json"), Map.of()));
    assertTrue(missing.getMessage().contains("does not exist"));
  }

  @Test
  @DisplayName("Issue 8.3: limits default to the documented values, come from the environment, and a file without"
      + " them keeps the defaults")
  void limits(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    HomeroomConfig.Limits d = ConfigReader.fromJson(HomeroomConfig.defaults()).limits();
    assertEquals(HomeroomConfig.Limits.defaults(), d);
    assertEquals(new HomeroomConfig.Limits(true, 10, 60, 2, 20, 50, 200, 10, 60, 3, 15, 10, 20), d, "README's table says these");
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"http\": {\"port\": 9000}}");
    assertEquals(d, HomeroomConfig.load(file, Map.of()).limits());
    HomeroomConfig.Limits c = HomeroomConfig.load(file, Map.of("HOMEROOM_RATE_LIMITS", "off",
        "HOMEROOM_LIMIT_SEND_PER_SECOND", "100", "HOMEROOM_LIMIT_SOCKETS_PER_USER", "5")).limits();
    assertFalse(c.rateLimited());
    assertEquals(100, c.sendPerSecond());
    assertEquals(5, c.socketsPerUser());
    assertEquals(d.acksBurst(), c.acksBurst());
    assertMessage(Map.of("HOMEROOM_LIMIT_SEND_BURST", "0"), "limits.sendBurst (HOMEROOM_LIMIT_SEND_BURST)");
    assertMessage(Map.of("HOMEROOM_RATE_LIMITS", "sometimes"), "'rateLimited' must be true or false");
  }

  @Test
  @DisplayName("A config file that is not JSON is reported as such")
  void malformed_file(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{ not json");
    ConfigException e = assertThrows(ConfigException.class, () -> HomeroomConfig.load(file, Map.of()));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  static void assertMessage(Map<String, String> env, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> HomeroomConfig.load(null, env));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  @org.junit.jupiter.api.DisplayName("Issue 25.3: mail settings: none by default; SMTP needs a sender and the public address; each refused clearly")
  void mail_settings() {
    HomeroomConfig.Mail none = HomeroomConfig.load(null, Map.of()).mail();
    assertFalse(none.smtpEnabled());
    HomeroomConfig.Mail m = HomeroomConfig.load(null, Map.of("HOMEROOM_SMTP_HOST", "smtp.school.org",
        "HOMEROOM_SMTP_FROM", "Homeroom <homeroom@school.org>", "HOMEROOM_PUBLIC_URL", "https://chat.school.org",
        "HOMEROOM_SMTP_SECURITY", "TLS", "HOMEROOM_SMTP_PORT", "465")).mail();
    assertTrue(m.smtpEnabled());
    assertEquals("tls", m.smtpSecurity());
    assertEquals(465, m.smtpPort());
    ConfigException noFrom = assertThrows(ConfigException.class, () -> HomeroomConfig.load(null,
        Map.of("HOMEROOM_SMTP_HOST", "smtp.school.org", "HOMEROOM_PUBLIC_URL", "https://chat.school.org")));
    assertTrue(noFrom.getMessage().contains("HOMEROOM_SMTP_FROM"), noFrom.getMessage());
    ConfigException noUrl = assertThrows(ConfigException.class, () -> HomeroomConfig.load(null,
        Map.of("HOMEROOM_SMTP_HOST", "smtp.school.org", "HOMEROOM_SMTP_FROM", "a@school.org")));
    assertTrue(noUrl.getMessage().contains("HOMEROOM_PUBLIC_URL"), noUrl.getMessage());
    assertThrows(ConfigException.class, () -> HomeroomConfig.load(null, Map.of("HOMEROOM_SMTP_SECURITY", "ssl3")));
    assertThrows(ConfigException.class, () -> HomeroomConfig.load(null, Map.of("HOMEROOM_PUBLIC_URL", "chat.school.org")));
  }

  @Test
  @org.junit.jupiter.api.DisplayName("Issue 26: one provider from the environment; password roles; each mistake refused with its setting's name")
  void sso_settings() {
    HomeroomConfig.Sso none = HomeroomConfig.load(null, Map.of()).sso();
    assertTrue(none.providers().isEmpty());
    assertEquals(java.util.Set.of("admin", "student"), none.passwordRoles());
    HomeroomConfig.Sso one = HomeroomConfig.load(null, Map.of("HOMEROOM_OIDC_ISSUER", "https://accounts.google.com/",
        "HOMEROOM_OIDC_CLIENT_ID", "abc", "HOMEROOM_OIDC_NAME", "Google", "HOMEROOM_OIDC_ALLOWED_DOMAINS", "School.org, b.org",
        "HOMEROOM_PUBLIC_URL", "https://chat.school.org", "HOMEROOM_PASSWORD_SIGNIN", "admin")).sso();
    assertEquals("https://accounts.google.com", one.providers().get(0).issuer());
    assertEquals(java.util.List.of("school.org", "b.org"), one.providers().get(0).allowedDomains());
    assertEquals("school", one.providers().get(0).id());
    assertEquals(java.util.Set.of("admin"), one.passwordRoles());
    ConfigException noUrl = assertThrows(ConfigException.class, () -> HomeroomConfig.load(null,
        Map.of("HOMEROOM_OIDC_ISSUER", "https://accounts.google.com", "HOMEROOM_OIDC_CLIENT_ID", "abc")));
    assertTrue(noUrl.getMessage().contains("HOMEROOM_PUBLIC_URL"), noUrl.getMessage());
    assertThrows(ConfigException.class, () -> HomeroomConfig.load(null, Map.of("HOMEROOM_OIDC_ISSUER",
        "http://accounts.example.org", "HOMEROOM_OIDC_CLIENT_ID", "abc", "HOMEROOM_PUBLIC_URL", "https://c.org")));
    assertThrows(ConfigException.class, () -> HomeroomConfig.load(null, Map.of("HOMEROOM_PASSWORD_SIGNIN", "student")));
    assertThrows(ConfigException.class, () -> HomeroomConfig.load(null, Map.of("HOMEROOM_PASSWORD_SIGNIN", "admin,teacher")));
  }
}
