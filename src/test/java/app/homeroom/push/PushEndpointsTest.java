package app.homeroom.push;

import app.homeroom.config.HomeroomConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 31.3: a subscription's endpoint is only ever at one of the allowed push services (no request forgery). */
class PushEndpointsTest {

  final PushEndpoints known = new PushEndpoints(HomeroomConfig.Push.KNOWN_SERVICES);

  @Test
  @DisplayName("Issue 31.3: the endpoints of Chrome, Firefox, Safari and Windows pass; anything else does not")
  void only_allowed_push_services() {
    for (String ok : List.of("https://fcm.googleapis.com/fcm/send/dUwk3V:APA91bH",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://web.push.apple.com/QGuQyavXutnMH3",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB")) {
      assertTrue(known.allowed(ok), ok);
    }
    for (String bad : List.of("http://fcm.googleapis.com/fcm/send/x", "https://fcm.googleapis.com.evil.example/x",
        "https://evil.example/fcm.googleapis.com/", "https://fcm.googleapis.com:8443/x", "https://user@fcm.googleapis.com/x",
        "https://notify.windows.com/x", "https://evilnotify.windows.com/x", "https://fcm.googleapis.com/a/../../b",
        "https://fcm.googleapis.com/x#frag", "https://169.254.169.254/latest/meta-data", "javascript:alert(1)", "::")) {
      assertFalse(known.allowed(bad), bad);
    }
    PushEndpoints path = new PushEndpoints(List.of("http://127.0.0.1:9000/push/"));
    assertTrue(path.allowed("http://127.0.0.1:9000/push/abc"));
    assertFalse(path.allowed("http://127.0.0.1:9000/pushy/abc"));
    assertFalse(path.allowed("http://127.0.0.1:9000/push/./../admin"));
  }
}
