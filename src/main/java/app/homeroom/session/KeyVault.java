package app.homeroom.session;

import app.homeroom.db.Credentials;
import app.homeroom.db.StartupException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals the session-signing keys kept in the database (issue 24, point 1): AES-256-GCM under a key-encryption key
 * that never enters the database. The KEK lives in a file readable by its owner only ({@code auth.keyFile},
 * {@code HOMEROOM_KEY_FILE}), made once by the first node that needs it; every node of a school must read the same
 * one. Whoever can read the tables but not that file (the app's database role, a backup, a stolen dump) holds only
 * ciphertext. Each sealed key is bound to its id (the GCM associated data), so a row's ciphertext cannot be passed
 * off under another id.
 */
public final class KeyVault {

  private static final String FORMAT = "v1:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec kek;
  private final Path file;

  private KeyVault(byte[] kek, Path file) {
    this.kek = new SecretKeySpec(kek, "AES");
    this.file = file;
  }

  /** The file's key, made (32 random bytes, base64, 0600) when there is none yet. Blocking: start-up thread. */
  public static KeyVault openOrCreate(Path file) {
    Path abs = file.toAbsolutePath();
    try {
      if (!Files.exists(abs)) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Files.createDirectories(abs.getParent());
        try {
          Credentials.writePrivate(abs, Base64.getEncoder().encodeToString(fresh) + "\n");
        } catch (FileAlreadyExistsException raced) {
          // Another node made it a moment ago: use theirs.
        }
      }
      byte[] kek = Base64.getDecoder().decode(Files.readString(abs).strip());
      if (kek.length != 32) {
        throw new StartupException(abs + " (HOMEROOM_KEY_FILE) must hold 32 bytes in base64, found " + kek.length);
      }
      return new KeyVault(kek, abs);
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupException("could not read or make the key file " + abs + " (HOMEROOM_KEY_FILE): " + e.getMessage());
    }
  }

  /** The file's key; it must be there (tools that read the keys never make one). */
  public static KeyVault open(Path file) {
    if (!Files.exists(file)) {
      throw new StartupException("no key file at " + file.toAbsolutePath() + " (HOMEROOM_KEY_FILE): the nodes make it when they first start");
    }
    return openOrCreate(file);
  }

  /** Where the key came from, for messages. */
  public Path file() {
    return file;
  }

  /** {@code v1:<base64 of a 12-byte nonce, then the ciphertext and its tag>}. */
  public String seal(String kid, byte[] secret) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, kid, nonce);
      byte[] sealed = cipher.doFinal(secret);
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return FORMAT + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The secret sealed under {@code kid}; {@link WrongKeyException} when this vault's key did not seal it. */
  public byte[] unseal(String kid, String sealed) throws WrongKeyException {
    if (sealed == null || !sealed.startsWith(FORMAT)) {
      throw new WrongKeyException("signing key " + kid + " is not sealed in a format this version reads");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(FORMAT.length()));
      byte[] nonce = java.util.Arrays.copyOf(in, 12);
      return cipher(Cipher.DECRYPT_MODE, kid, nonce).doFinal(in, 12, in.length - 12);
    } catch (AEADBadTagException | IllegalArgumentException e) {
      throw new WrongKeyException("signing key " + kid + " was sealed with another key than " + file
          + " (every node must read the same HOMEROOM_KEY_FILE)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private Cipher cipher(int mode, String kid, byte[] nonce) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, kek, new GCMParameterSpec(128, nonce));
    cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }

  /** A sealed key this vault cannot open. */
  public static final class WrongKeyException extends Exception {
    WrongKeyException(String message) {
      super(message);
    }
  }
}
