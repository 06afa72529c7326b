package app.homeroom.search;

import app.homeroom.account.AccountSql;

import java.util.List;

/**
 * Issue 24, point 2: the statements the node runs for one admin's first page of a search that finds nothing (six of
 * the search flood's seven words are in no message of the load; the seventh, "load", is in all of them and is answered
 * by a walk instead, sent here as the others are), with the product's own SQL, for
 * {@code scripts/read-flood.py}'s {@code FLOOD_CLIENT=sql}: that flood sends them straight to PostgreSQL, so a pulsed
 * run measures the database's share of a search flood apart from the node's (docs/PERFORMANCE-LOG.md, "an eleventh
 * look"). The parameters are written in as SQL expressions, so each statement is planned for its values, as the
 * reports pool plans it.
 */
public final class SearchFloodStatements {

  private SearchFloodStatements() {}

  /**
   * The probe (its glance, which settles a word no recent message uses), the newest tier by relevance (the text index's
   * way, which the probe picks when the newest messages hold no match), the "did you mean" words, and the students
   * matching the query (asked after the hits): {@code word} and {@code admin} are SQL expressions (the query text, the
   * searching admin's id).
   */
  public static List<String> of(String word, String admin) {
    String none = "null";
    return List.of(
        with(SearchSql.GLANCE, word, none, none, none, none),
        with(SearchSql.BY_RELEVANCE_RARE, word, none, none, none, none, none, none, none, none,
            literal(MessageSearch.HEADLINE_OPTIONS), Integer.toString(MessageSearch.RANK_TIER),
            Integer.toString(MessageSearch.DEFAULT_LIMIT + 1)),
        with(SearchSuggestions.STAFF, "array[" + word + "]"),
        with(AccountSql.ROSTER_PAGE, admin, none, "'%' || " + word + " || '%'",
            Integer.toString(SearchRoutes.STUDENT_MATCHES), "0", none, none));
  }

  /** {@link #of} as a psql script: the word in psql's variable {@code w}, the admin the school's first. */
  public static String psqlScript() {
    return String.join(";\n", of(":'w'", "(select min(id) from users where role = 'admin')")) + ";\n";
  }

  /** {@code sql} with $1, $2, ... replaced by these expressions (from the highest, so $1 does not take $10's place). */
  static String with(String sql, String... args) {
    for (int i = args.length; i >= 1; i--) {
      sql = sql.replace("$" + i, args[i - 1]);
    }
    return sql;
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
