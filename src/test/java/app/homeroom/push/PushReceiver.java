package app.homeroom.push;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A push service in the test JVM (issue 31, point 3): a local HTTP endpoint that takes what a node posts and keeps
 * it, answering 201 (or what a path is told to answer), and a browser's half of a subscription: its own P-256 key
 * pair and auth secret, with which it decrypts (RFC 8291, aes128gcm) and checks the VAPID signature (RFC 8292) of
 * what it received. Written from the RFCs on the JDK's crypto, independently of the library the server uses.
 */
final class PushReceiver implements AutoCloseable {

  /** One push as received: its path, headers and body. */
  record Received(String path, Map<String, String> headers, byte[] body) {}

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder D64 = Base64.getUrlDecoder();

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final int port;

  PushReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Map<String, String> headers = new java.util.HashMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      received.add(new Received(req.path(), headers, body.getBytes()));
      req.response().setStatusCode(answers.getOrDefault(req.path(), 201)).end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  String prefix() {
    return "http://127.0.0.1:" + port + "/push/";
  }

  /** The next push within {@code ms}, or null. */
  Received next(long ms) throws InterruptedException {
    return received.poll(ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A browser's subscription at {@code path} of this service: its keys, and its JSON as a browser gives it. */
  final class Browser {
    final KeyPair keys;
    final byte[] auth = new byte[16];
    final String endpoint;

    Browser(String name) throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      keys = g.generateKeyPair();
      new SecureRandom().nextBytes(auth);
      endpoint = prefix() + name;
    }

    JsonObject subscription() {
      return new JsonObject().put("endpoint", endpoint).put("expirationTime", (Object) null).put("keys",
          new JsonObject().put("p256dh", B64.encodeToString(uncompressed((ECPublicKey) keys.getPublic())))
              .put("auth", B64.encodeToString(auth)));
    }

    /** RFC 8291, section 3.4 and RFC 8188: the plaintext of one aes128gcm push. */
    JsonObject decrypt(Received push) throws Exception {
      ByteBuffer in = ByteBuffer.wrap(push.body());
      byte[] salt = new byte[16];
      in.get(salt);
      int recordSize = in.getInt();
      byte[] senderKey = new byte[in.get() & 0xff];
      in.get(senderKey);
      byte[] cipherText = new byte[in.remaining()];
      in.get(cipherText);
      if (recordSize < 18 || cipherText.length > recordSize) {
        throw new IllegalStateException("one record expected, of at most " + recordSize + " bytes");
      }
      KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
      ecdh.init(keys.getPrivate());
      ecdh.doPhase(point(senderKey, (ECPublicKey) keys.getPublic()), true);
      byte[] shared = ecdh.generateSecret();
      byte[] prkKey = hmac(auth, shared);
      byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
          uncompressed((ECPublicKey) keys.getPublic()), senderKey);
      byte[] ikm = expand(prkKey, keyInfo, 32);
      byte[] prk = hmac(salt, ikm);
      byte[] cek = expand(prk, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
      byte[] nonce = expand(prk, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
      Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
      aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
      byte[] padded = aes.doFinal(cipherText);
      int end = padded.length - 1;
      while (end >= 0 && padded[end] == 0) {
        end--;
      }
      if (end < 0 || padded[end] != 2) {
        throw new IllegalStateException("the last record's delimiter (2) is missing");
      }
      return new JsonObject(new String(padded, 0, end, StandardCharsets.UTF_8));
    }
  }

  /**
   * RFC 8292: the {@code Authorization: vapid t=…, k=…} header's token, checked: signed (ES256) by {@code k}, for this
   * service's origin, not expired, not for more than a day. Answers its claims.
   */
  JsonObject vapid(Received push, String expectedKey) throws Exception {
    String header = push.headers().get("authorization");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("vapid t=([^,\\s]+),\\s*k=([A-Za-z0-9_-]+)").matcher(header);
    if (!m.matches()) {
      throw new IllegalStateException("not a VAPID authorization: " + header);
    }
    if (!m.group(2).equals(expectedKey)) {
      throw new IllegalStateException("signed with another key: " + m.group(2));
    }
    String[] jwt = m.group(1).split("\\.");
    JsonObject head = new JsonObject(new String(D64.decode(jwt[0]), StandardCharsets.UTF_8));
    if (!"ES256".equals(head.getString("alg"))) {
      throw new IllegalStateException("alg " + head.getString("alg"));
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    ECPublicKey template = (ECPublicKey) g.generateKeyPair().getPublic();
    Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
    es256.initVerify(point(D64.decode(m.group(2)), template));
    es256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    if (!es256.verify(D64.decode(jwt[2]))) {
      throw new IllegalStateException("the VAPID signature does not verify");
    }
    JsonObject claims = new JsonObject(new String(D64.decode(jwt[1]), StandardCharsets.UTF_8));
    long now = System.currentTimeMillis() / 1000;
    if (!("http://127.0.0.1:" + port).equals(claims.getString("aud"))) {
      throw new IllegalStateException("aud " + claims.getString("aud"));
    }
    long exp = claims.getLong("exp");
    if (exp <= now || exp > now + 24 * 3600) {
      throw new IllegalStateException("exp " + exp + " at " + now);
    }
    return claims;
  }

  static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    fixed(key.getW().getAffineX(), out, 1);
    fixed(key.getW().getAffineY(), out, 33);
    return out;
  }

  private static void fixed(BigInteger n, byte[] out, int at) {
    byte[] b = n.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, at + 32 - len, len);
  }

  private static ECPublicKey point(byte[] uncompressed, ECPublicKey sameCurve) throws Exception {
    if (uncompressed.length != 65 || uncompressed[0] != 4) {
      throw new IllegalStateException("not an uncompressed P-256 point");
    }
    ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, sameCurve.getParams()));
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** HKDF-Expand for at most one block. */
  private static byte[] expand(byte[] prk, byte[] info, int length) throws Exception {
    return Arrays.copyOf(hmac(prk, concat(info, new byte[] {1})), length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] p : parts) {
      out.put(p);
    }
    return out.array();
  }
}
