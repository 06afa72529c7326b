package app.homeroom.attachment;

import org.apache.tika.Tika;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an uploaded file is, from its bytes (issue 28, point 3): Apache Tika's magic-number detection, with the file's
 * name only to tell apart formats that share a container (a .docx and an .xlsx are both zip files). Only the types a
 * school sends are accepted: images (PNG, JPEG, GIF, WebP), PDF, and office documents. Anything else, and anything that
 * a browser could run (HTML, SVG, XML, scripts), is refused, whatever its name says.
 */
final class FileTypes {

  /** An accepted type: how it is served, and how the client shows it. */
  record Kind(String contentType, String kind) {}

  private static final Tika TIKA = new Tika();

  private static final Map<String, String> ACCEPTED = Map.ofEntries(
      Map.entry("image/png", "image"),
      Map.entry("image/jpeg", "image"),
      Map.entry("image/gif", "image"),
      Map.entry("image/webp", "image"),
      Map.entry("application/pdf", "pdf"),
      Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"),
      Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"),
      Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", "document"),
      Map.entry("application/msword", "document"),
      Map.entry("application/vnd.ms-excel", "document"),
      Map.entry("application/vnd.ms-powerpoint", "document"),
      Map.entry("application/vnd.oasis.opendocument.text", "document"),
      Map.entry("application/vnd.oasis.opendocument.spreadsheet", "document"),
      Map.entry("application/vnd.oasis.opendocument.presentation", "document"));

  private FileTypes() {}

  /** The accepted kind of these bytes, or null when they are not one of the accepted types. */
  static Kind detect(byte[] bytes, String fileName) {
    String type = TIKA.detect(bytes, fileName);
    String kind = ACCEPTED.get(type);
    if (kind == null) {
      return null;
    }
    // An office document by name must be the container it claims: Office Open XML names its parts in
    // [Content_Types].xml, OpenDocument its type in its first entry, "mimetype".
    if (type.startsWith("application/vnd.openxmlformats") && !contains(bytes, "[Content_Types].xml")) {
      return null;
    }
    if (type.startsWith("application/vnd.oasis") && !contains(bytes, type)) {
      return null;
    }
    return new Kind(type, kind);
  }

  private static boolean contains(byte[] bytes, String text) {
    byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i <= bytes.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
