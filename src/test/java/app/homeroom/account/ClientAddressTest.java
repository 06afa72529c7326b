package app.homeroom.account;

import app.homeroom.config.HomeroomConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 8, point 2: which address failed sign-ins are counted against, directly and behind the proxy. */
class ClientAddressTest {

  @Test
  @DisplayName("Behind a trusted proxy the proxy-appended (last) X-Forwarded-For entry counts; a client cannot forge it")
  void behind_a_trusted_proxy() {
    assertEquals("203.0.113.7", AccountRoutes.clientAddress("203.0.113.7", "10.0.0.2", true));
    assertEquals("203.0.113.7", AccountRoutes.clientAddress("1.2.3.4, 203.0.113.7", "10.0.0.2", true),
        "what the client sent comes first; the proxy appends the real address");
    assertEquals("10.0.0.2", AccountRoutes.clientAddress(null, "10.0.0.2", true), "no header: the connection");
    assertEquals("10.0.0.2", AccountRoutes.clientAddress(" ", "10.0.0.2", true));
  }

  @Test
  @DisplayName("Without a trusted proxy the header is ignored: a client reaching the node directly cannot pick its address")
  void directly() {
    assertEquals("198.51.100.9", AccountRoutes.clientAddress("1.2.3.4", "198.51.100.9", false));
  }

  @Test
  @DisplayName("HOMEROOM_TRUST_PROXY sets http.trustProxy; off by default")
  void configuration() {
    assertFalse(HomeroomConfig.load(null, Map.of()).http().trustProxy());
    assertTrue(HomeroomConfig.load(null, Map.of("HOMEROOM_TRUST_PROXY", "true")).http().trustProxy());
  }
}
