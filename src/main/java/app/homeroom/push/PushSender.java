package app.homeroom.push;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Base64;
import java.util.Map;

/**
 * Posts one push to one subscription's push service (RFC 8030): the payload encrypted for that browser (RFC 8291,
 * {@code aes128gcm}) and signed for the service (VAPID, RFC 8292) by the interaso webpush library, sent with the node's
 * own non-blocking HTTP client. The encryption (an ECDH key pair and a signature per push) runs on a worker thread,
 * never the event loop. Answers the service's status code.
 */
final class PushSender {

  /** How long a push service keeps a push for a browser that is offline: a day, then a digest has said it anyway. */
  static final int TTL_SECONDS = 24 * 60 * 60;
  static final int TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final WebPush webPush;
  private final HttpClient http;

  PushSender(Vertx vertx, VapidKeys keys, String subject) {
    this.vertx = vertx;
    this.webPush = new WebPush(subject, keys);
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  /**
   * Sends {@code payload} to {@code endpoint}; {@code topic} lets the service replace a push still waiting for the
   * browser with a newer one (one per conversation).
   */
  Future<Integer> send(String endpoint, String p256dh, String auth, byte[] payload, String topic) {
    return vertx.executeBlocking(() -> new Encrypted(
            webPush.getHeaders(endpoint, TTL_SECONDS, topic, WebPush.Urgency.High),
            webPush.getBody(payload, decode(p256dh), decode(auth))), false)
        .compose(push -> {
          RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(endpoint)
              .setTimeout(TIMEOUT_MS).setFollowRedirects(false);
          push.headers().forEach(options::putHeader);
          return http.request(options).compose(req -> req.send(Buffer.buffer(push.body())))
              .compose(res -> res.body().map(ignored -> res.statusCode()));
        });
  }


  /** A subscription's keys as browsers give them: base64url, with or without padding. */
  static byte[] decode(String key) {
    return Base64.getUrlDecoder().decode(key.replace('+', '-').replace('/', '_').replace("=", ""));
  }

  private record Encrypted(Map<String, String> headers, byte[] body) {}
}
