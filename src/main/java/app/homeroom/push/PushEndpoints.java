package app.homeroom.push;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which push services a subscription may point at (issue 31, point 3): a node posts to a subscription's endpoint, so
 * an endpoint a browser (or anyone with a session) chose freely would let them make the node post to any address,
 * inside the school's network too. Only the configured prefixes pass ({@code push.allowedEndpoints}); a prefix
 * {@code https://*.host/} takes any subdomain of {@code host}. No user information, no fragment, no dot segments, no other port.
 */
final class PushEndpoints {

  private final List<String> prefixes;

  PushEndpoints(List<String> prefixes) {
    this.prefixes = List.copyOf(prefixes);
  }

  /** Whether {@code endpoint} is a URL of one of the allowed push services. */
  boolean allowed(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      return false;
    }
    if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.equals(uri.normalize().getRawPath())) {
      return false; // dot segments: the path it names is not the path it shows
    }
    for (String prefix : prefixes) {
      if (matches(prefix, scheme, host, uri.getPort(), path)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String prefix, String scheme, String host, int port, String path) {
    boolean wildcard = prefix.contains("://*.");
    URI p = URI.create(wildcard ? prefix.replace("://*.", "://") : prefix);
    String pHost = p.getHost().toLowerCase(Locale.ROOT);
    boolean hostOk = wildcard ? host.endsWith("." + pHost) : host.equals(pHost);
    String pPath = p.getRawPath() == null || p.getRawPath().isEmpty() ? "/" : p.getRawPath();
    return scheme.equals(p.getScheme().toLowerCase(Locale.ROOT)) && hostOk && port == p.getPort()
        && (path + (path.endsWith("/") ? "" : "/")).startsWith(pPath);
  }
}
