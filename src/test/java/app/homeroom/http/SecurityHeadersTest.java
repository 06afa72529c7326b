package app.homeroom.http;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security headers (issue 8, rendering): every response, pages, REST, the bridge's info and error responses
 * alike, carries a strict Content-Security-Policy (scripts only from this origin: no inline script, no eval, no
 * plugins, no framing, a fixed base URI), nosniff, a referrer policy, no framing, an opener policy and a
 * permissions policy that turns off camera, microphone and geolocation.
 */
@DisplayName("Security headers on pages, the REST API and the bridge")
class SecurityHeadersTest {

  School school;
  Api anonymous;

  @BeforeEach
  void seed() {
    school = School.fresh();
    anonymous = new Api(TestEnv.baseUrl());
  }

  @Test
  @DisplayName("CSP without unsafe-inline/unsafe-eval in script-src, object-src 'none', frame-ancestors 'none', base-uri;"
      + " nosniff, Referrer-Policy, X-Frame-Options DENY, COOP same-origin, Permissions-Policy: on every route,"
      + " signed in or not, successful or not")
  void every_response_carries_the_security_headers() {
    Map<String, HttpResponse<String>> responses = new java.util.LinkedHashMap<>();
    responses.put("GET / (signed out)", anonymous.get("/").raw());
    responses.put("GET /admin (signed in)", school.staff.get("/admin").raw());
    responses.put("GET /student (signed in)", school.pupil.get("/student").raw());
    responses.put("GET /components/hr-app.js", anonymous.get("/components/hr-app.js").raw());
    responses.put("GET /api/session (signed out)", anonymous.get("/api/session").raw());
    responses.put("GET /api/session (signed in)", school.staff.get("/api/session").raw());
    responses.put("GET /api/students (signed in)", school.staff.get("/api/students").raw());
    responses.put("GET /api/students (signed out: 401)", anonymous.get("/api/students").raw());
    responses.put("GET /api/students (student: 403)", school.pupil.get("/api/students").raw());
    responses.put("GET /api/nothing-here (404)", school.staff.get("/api/nothing-here").raw());
    responses.put("POST /api/login (bad JSON: 400)", anonymous.postRaw("/api/login", "{", "application/json").raw());
    responses.put("GET /no-such-page (404)", anonymous.get("/no-such-page.html").raw());
    responses.put("GET /eventbus/info (signed in)", school.staff.get("/eventbus/info").raw());
    responses.put("GET /eventbus/info (signed out)", anonymous.get("/eventbus/info").raw());
    responses.put("GET /eventbus/1/abc/xhr_send (405/404)", school.staff.get("/eventbus/1/abc/xhr_send").raw());

    assertEquals(200, responses.get("GET / (signed out)").statusCode());
    assertEquals(200, responses.get("GET /admin (signed in)").statusCode());
    assertEquals(200, responses.get("GET /api/students (signed in)").statusCode());
    assertEquals(200, responses.get("GET /eventbus/info (signed in)").statusCode());
    assertTrue(responses.get("GET /api/students (signed out: 401)").statusCode() >= 400);

    List<String> problems = new ArrayList<>();
    responses.forEach((what, r) -> problems.addAll(problems(what, r)));
    assertEquals(List.of(), problems);
  }

  @Test
  @DisplayName("The policy itself: scripts only from this origin plus the import map's hash; no inline script or eval")
  void the_policy_is_strict() {
    String csp = header(anonymous.get("/").raw(), "content-security-policy").orElseThrow();
    Map<String, String> d = directives(csp);
    assertTrue(d.get("script-src").matches("'self'( 'sha256-[A-Za-z0-9+/=]+')*"), () -> "script-src: " + d.get("script-src"));
    assertEquals("'self'", d.get("default-src"));
    assertEquals("'none'", d.get("object-src"));
    assertEquals("'none'", d.get("frame-ancestors"));
    assertTrue(d.containsKey("base-uri"), "base-uri");
  }

  static List<String> problems(String what, HttpResponse<String> r) {
    List<String> out = new ArrayList<>();
    Function<String, Optional<String>> h = name -> header(r, name);
    Optional<String> csp = h.apply("content-security-policy");
    if (csp.isEmpty()) {
      out.add(what + ": no Content-Security-Policy");
    } else {
      Map<String, String> d = directives(csp.get());
      String script = d.getOrDefault("script-src", d.get("default-src"));
      if (script == null) {
        out.add(what + ": CSP has neither script-src nor default-src");
      } else if (script.contains("'unsafe-inline'") || script.contains("'unsafe-eval'") || script.contains("*")
          || script.contains("data:")) {
        out.add(what + ": script-src too loose: " + script);
      }
      if (!"'none'".equals(d.get("object-src"))) {
        out.add(what + ": object-src is " + d.get("object-src"));
      }
      if (!"'none'".equals(d.get("frame-ancestors"))) {
        out.add(what + ": frame-ancestors is " + d.get("frame-ancestors"));
      }
      if (!d.containsKey("base-uri")) {
        out.add(what + ": no base-uri");
      }
    }
    expect(out, what, h, "x-content-type-options", "nosniff");
    expect(out, what, h, "x-frame-options", "DENY");
    expect(out, what, h, "cross-origin-opener-policy", "same-origin");
    if (h.apply("referrer-policy").isEmpty()) {
      out.add(what + ": no Referrer-Policy");
    }
    Optional<String> permissions = h.apply("permissions-policy");
    if (permissions.isEmpty()) {
      out.add(what + ": no Permissions-Policy");
    } else {
      for (String feature : List.of("camera=()", "microphone=()", "geolocation=()")) {
        if (!permissions.get().replace(" ", "").contains(feature)) {
          out.add(what + ": Permissions-Policy lacks " + feature + ": " + permissions.get());
        }
      }
    }
    return out;
  }

  static void expect(List<String> out, String what, Function<String, Optional<String>> h, String name, String value) {
    Optional<String> v = h.apply(name);
    if (v.isEmpty() || !v.get().equalsIgnoreCase(value)) {
      out.add(what + ": " + name + " is " + v.orElse("missing") + ", expected " + value);
    }
  }

  static Optional<String> header(HttpResponse<String> r, String name) {
    List<String> all = r.headers().allValues(name);
    if (all.size() > 1) {
      return Optional.of("DUPLICATED " + all); // never equal to what is expected
    }
    return all.stream().findFirst();
  }

  static Map<String, String> directives(String csp) {
    return Arrays.stream(csp.split(";")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toMap(s -> s.split("\\s+", 2)[0].toLowerCase(Locale.ROOT),
            s -> s.contains(" ") ? s.split("\\s+", 2)[1].trim() : "", (a, b) -> a));
  }
}
