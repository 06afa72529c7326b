package app.homeroom.account;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 25, point 4: the password policy (NIST SP 800-63B): length, known passwords, the person's own name. */
class PasswordsTest {

  @Test
  @DisplayName("Issue 25.4: ten characters at least; a common password or the person's name is refused; no composition rules")
  void policy() {
    assertNotNull(Passwords.problem("short pw"));
    assertNotNull(Passwords.problem("password12"));
    assertNotNull(Passwords.problem("1234567890"));
    assertNotNull(Passwords.problem("samstudent2026", List.of("Sam Student", "sam@test.school")));
    assertNull(Passwords.problem("lantern orchard quietly"));
    assertNull(Passwords.problem("alllowercaselettersbutlong")); // no "one digit, one capital" rules
    assertNotNull(Passwords.problem("          ")); // ten spaces
  }

  @Test
  @DisplayName("Issue 25.4: the browser's forms say the same least length as the server")
  void browser_minimum_matches() throws Exception {
    String js = Files.readString(Path.of("webroot", "lib", "passwords.js"));
    Matcher m = Pattern.compile("export const MIN_PASSWORD_LENGTH = (\\d+);").matcher(js);
    assertTrue(m.find(), "passwords.js exports MIN_PASSWORD_LENGTH");
    assertEquals(Passwords.MIN_CHARS, Integer.parseInt(m.group(1)));
  }
}
