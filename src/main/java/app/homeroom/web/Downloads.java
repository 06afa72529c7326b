package app.homeroom.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What every file Homeroom hands out says about itself (issue 28: transcripts, attachments). */
public final class Downloads {

  private Downloads() {}

  /**
   * {@code Content-Disposition}: {@code attachment} (saved, never shown in the page) or {@code inline}, with an ASCII
   * name for old clients and the UTF-8 name for the rest (RFC 6266, RFC 5987).
   */
  public static String disposition(boolean inline, String fileName) {
    String ascii = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
    return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''"
        + URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
