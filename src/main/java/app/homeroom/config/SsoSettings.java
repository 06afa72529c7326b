package app.homeroom.config;

import app.homeroom.config.HomeroomConfig.OidcProvider;
import app.homeroom.config.HomeroomConfig.Sso;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

import static app.homeroom.config.ConfigFields.blankToNull;
import static app.homeroom.config.ConfigFields.str;
import static app.homeroom.config.ConfigFields.strings;

/** The {@code sso} section (issue 26): the OpenID Connect providers and who may still sign in with a password. */
final class SsoSettings {

  private static final java.util.regex.Pattern PROVIDER_ID = java.util.regex.Pattern.compile("^[a-z0-9-]{1,32}$");

  private SsoSettings() {}

  /** {@code sso.providers} (a list) and {@code sso.provider} (one, from the environment), and the password roles. */
  static Sso parse(JsonObject o, String publicUrl) {
    List<OidcProvider> providers = new ArrayList<>();
    Object list = o.getValue("providers");
    if (list != null && !(list instanceof JsonArray)) {
      throw new ConfigException("sso.providers must be a list");
    }
    if (list instanceof JsonArray a) {
      for (Object p : a) {
        if (!(p instanceof JsonObject po)) {
          throw new ConfigException("sso.providers must hold objects");
        }
        providers.add(provider(po));
      }
    }
    JsonObject single = o.getJsonObject("provider");
    if (single != null && blankToNull(str(single, "issuer")) != null) {
      providers.add(provider(single));
    }
    if (providers.stream().map(OidcProvider::id).distinct().count() < providers.size()) {
      throw new ConfigException("sso.providers: each provider needs an id of its own");
    }
    if (!providers.isEmpty() && publicUrl == null) {
      throw new ConfigException("mail.publicUrl (HOMEROOM_PUBLIC_URL) must be set for sign-in with a provider: the"
          + " provider sends people back to it");
    }
    List<String> roles = o.getValue("passwordSignIn") == null ? List.of("admin", "student")
        : strings(o, "passwordSignIn");
    for (String r : roles) {
      if (!r.equals("admin") && !r.equals("student")) {
        throw new ConfigException("sso.passwordSignIn (HOMEROOM_PASSWORD_SIGNIN) may list admin and student, got '" + r + "'");
      }
    }
    if (!roles.contains("admin") && providers.isEmpty()) {
      throw new ConfigException("sso.passwordSignIn (HOMEROOM_PASSWORD_SIGNIN): staff need a way to sign in; configure a"
          + " provider (HOMEROOM_OIDC_ISSUER) before turning off their passwords");
    }
    return new Sso(List.copyOf(providers), java.util.Set.copyOf(roles));
  }

  private static OidcProvider provider(JsonObject p) {
    String id = blankToNull(str(p, "id"));
    id = id == null ? "school" : id;
    if (!PROVIDER_ID.matcher(id).matches()) {
      throw new ConfigException("sso provider id (HOMEROOM_OIDC_ID) must be 1-32 of a-z, 0-9 and -, got '" + id + "'");
    }
    String issuer = blankToNull(str(p, "issuer"));
    if (issuer == null || !(issuer.startsWith("https://") || issuer.startsWith("http://localhost")
        || issuer.startsWith("http://127.0.0.1"))) {
      throw new ConfigException("sso provider '" + id + "': issuer (HOMEROOM_OIDC_ISSUER) must be an https:// URL");
    }
    String clientId = blankToNull(str(p, "clientId"));
    if (clientId == null) {
      throw new ConfigException("sso provider '" + id + "': clientId (HOMEROOM_OIDC_CLIENT_ID) must be set");
    }
    String name = blankToNull(str(p, "name"));
    List<String> domains = strings(p, "allowedDomains").stream().map(d -> d.toLowerCase(java.util.Locale.ROOT))
        .filter(d -> !d.isEmpty()).toList();
    return new OidcProvider(id, name == null ? "your school account" : name, issuer.replaceAll("/+$", ""), clientId,
        blankToNull(str(p, "clientSecret")), domains, blankToNull(str(p, "hostedDomain")), blankToNull(str(p, "tenant")),
        blankToNull(str(p, "autoCreateClass")));
  }
}
