package app.homeroom.web;

import io.vertx.ext.web.RoutingContext;

/**
 * Whether a request reached us over HTTPS (issue 24, point 11): on a TLS connection, or, when the node trusts its
 * proxy ({@code http.trustProxy}), as the proxy says in {@code X-Forwarded-Proto}. The last entry counts: that is
 * what our proxy appended about the client's leg; entries before it are whatever the client sent. A node that trusts
 * no proxy never believes the header, so a client cannot make it claim HTTPS.
 */
public final class Https {

  /** HSTS for a site reached over HTTPS: half a year, this host only (the school's other hosts are its own business). */
  public static final String HSTS = "max-age=15552000";

  private Https() {}

  public static boolean isSecure(RoutingContext ctx, boolean trustProxy) {
    if (ctx.request().isSSL()) {
      return true;
    }
    if (!trustProxy) {
      return false;
    }
    String forwarded = ctx.request().getHeader("x-forwarded-proto");
    if (forwarded == null || forwarded.isBlank()) {
      return false;
    }
    String[] hops = forwarded.split(",");
    return "https".equalsIgnoreCase(hops[hops.length - 1].strip());
  }
}
