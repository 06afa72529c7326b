package app.homeroom.db;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded PostgreSQL's three passwords (issue 24, point 1): its superuser's, the schema owner's and the app
 * role's. Generated once, when a node first starts a data folder, and kept beside it in {@code <data>.credentials}
 * (JSON), readable by its owner only (0600); every node that attaches to that server reads them from there.
 */
public record Credentials(String superuser, String owner, String app) {

  /** {@code <data>.credentials}, a sibling of the data folder (as {@code <data>.owner} is). */
  public static Path file(Path dataDir) {
    Path dir = dataDir.toAbsolutePath();
    return dir.resolveSibling(dir.getFileName() + ".credentials");
  }

  /** The passwords kept for this data folder, or null when there is no file (or it cannot be read). */
  public static Credentials read(Path dataDir) {
    Path file = file(dataDir);
    try {
      if (!Files.exists(file)) {
        return null;
      }
      JsonObject json = new JsonObject(Files.readString(file));
      String superuser = json.getString("superuser");
      String owner = json.getString("owner");
      String app = json.getString("app");
      if (superuser == null || owner == null || app == null) {
        throw new StartupException(file + " is missing a password (superuser, owner, app): restore it from a backup");
      }
      return new Credentials(superuser, owner, app);
    } catch (IOException | io.vertx.core.json.DecodeException e) {
      throw new StartupException("could not read the embedded PostgreSQL's passwords from " + file + ": " + e.getMessage());
    }
  }

  /**
   * The kept passwords, generating and keeping them first when there are none. Two nodes starting at once agree:
   * the file appears whole or not at all (written aside, then linked into place without replacing), and the one
   * that loses the race reads the winner's.
   */
  public static Credentials readOrCreate(Path dataDir) {
    Credentials kept = read(dataDir);
    if (kept != null) {
      return kept;
    }
    Credentials fresh = new Credentials(generate(), generate(), generate());
    Path file = file(dataDir);
    String json = new JsonObject().put("superuser", fresh.superuser).put("owner", fresh.owner).put("app", fresh.app)
        .encodePrettily();
    try {
      Files.createDirectories(file.getParent());
      writePrivate(file, json);
    } catch (FileAlreadyExistsException e) {
      return read(dataDir);
    } catch (IOException e) {
      throw new StartupException("could not keep the embedded PostgreSQL's passwords in " + file + ": " + e.getMessage());
    }
    return fresh;
  }

  /**
   * Writes {@code text} to {@code file}, readable and writable by its owner only, whole or not at all, never
   * replacing a file that is there ({@link FileAlreadyExistsException}).
   */
  public static void writePrivate(Path file, String text) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, text);
      try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.createLink(file, temp);
    } catch (UnsupportedOperationException e) {
      // A file system without hard links: a move that refuses to replace an existing file.
      Files.move(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** 32 random bytes, URL-safe base64: nothing to quote in SQL, a URL or a shell. */
  static String generate() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Never prints a password. */
  @Override
  public String toString() {
    return "Credentials[superuser, owner, app]";
  }
}
