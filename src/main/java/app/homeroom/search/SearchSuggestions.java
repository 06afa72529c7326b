package app.homeroom.search;

import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Did you mean" for a search that found nothing (issue 27, point 6): each word of the query that no message uses is
 * replaced by the nearest word that messages do use (trigram distance, pg_trgm), and the query so corrected is the
 * suggestion. Staff are offered the words of all messages ({@code search_words}, kept by {@link SearchIndexUpkeep});
 * a student only the words of their own conversation, so a suggestion never tells them what others wrote. Without
 * pg_trgm (V18 could not create it) there is never a suggestion.
 */
final class SearchSuggestions {

  private static final Logger LOG = LoggerFactory.getLogger(SearchSuggestions.class);

  /** Words as the 'simple' configuration keeps them: letters (of any alphabet), lower-cased. */
  private static final Pattern WORD = Pattern.compile("(?<![\\p{L}\\p{N}_-])(-?)(\\p{L}{3,40})(?![\\p{L}\\p{N}_])");
  /** Words of the query language, never corrected. */
  private static final List<String> OPERATORS = List.of("or", "and", "not");

  /**
   * How alike a suggestion must be (trigram similarity, 0 to 1): low enough that a swap of two letters in a short word
   * ("thnaks", 0.27) still finds its word, high enough that a word sharing only an ending ("-ing") does not.
   */
  static final double MIN_SIMILARITY = 0.2;

  /**
   * For each word ($1, in order): whether messages use it, and the nearest one they use (or null). Staff. The GiST
   * index hands out the nearest words in order ({@code <->}); of the five nearest, the most used wins a tie.
   */
  static final String STAFF = """
      select q.w, exists (select 1 from search_words s where s.word = q.w) as known,
             (select n.word from (select s.word, s.uses, s.word <-> q.w as distance from search_words s
                                   order by s.word <-> q.w limit 5) n
               where 1 - n.distance >=\s""" + MIN_SIMILARITY + """
               order by n.distance, n.uses desc, n.word limit 1) as closest
        from unnest($1::text[]) with ordinality as q (w, i)
       order by q.i""";

  /** As {@link #STAFF}, from the words of student $2's own conversation only (few: no index needed). */
  static final String STUDENT = """
      with own as (
        select word, ndoc as uses from ts_stat(format(
          'select to_tsvector(''simple'', m.body) from messages m join conversations c on c.id = m.conversation_id'
          || ' where c.student_id = %s and m.kind = ''message''', $2::bigint))
      )
      select q.w, exists (select 1 from own s where s.word = q.w) as known,
             (select s.word from own s where similarity(s.word, q.w) >=\s""" + MIN_SIMILARITY + """
               order by similarity(s.word, q.w) desc, s.uses desc, s.word limit 1) as closest
        from unnest($1::text[]) with ordinality as q (w, i)
       order by q.i""";

  private final Pool pool;
  private volatile boolean unavailableLogged;

  SearchSuggestions(Pool pool) {
    this.pool = pool;
  }

  /** The query with its unknown words corrected, or null when there is nothing to correct (or no way to). */
  Future<String> suggest(Identity actor, String text) {
    List<int[]> spans = new ArrayList<>();
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      String word = m.group(2).toLowerCase(Locale.ROOT);
      if (!m.group(1).isEmpty() || OPERATORS.contains(word)) {
        continue; // "-word" excludes: no point correcting it
      }
      spans.add(new int[] {m.start(2), m.end(2)});
      words.add(word);
    }
    if (words.isEmpty()) {
      return Future.succeededFuture(null);
    }
    Tuple args = actor.isAdmin() ? Tuple.of(words.toArray(String[]::new))
        : Tuple.of(words.toArray(String[]::new), actor.userId());
    return pool.preparedQuery(actor.isAdmin() ? STAFF : STUDENT).execute(args).map(rows -> {
      StringBuilder out = new StringBuilder(text);
      boolean changed = false;
      int i = words.size() - 1;
      List<Row> list = new ArrayList<>();
      rows.forEach(list::add);
      // Right to left, so the spans before each replacement stay where they were.
      for (; i >= 0; i--) {
        Row row = list.get(i);
        String closest = row.getString("closest");
        if (!row.getBoolean("known") && closest != null && !closest.equals(words.get(i))) {
          out.replace(spans.get(i)[0], spans.get(i)[1], closest);
          changed = true;
        }
      }
      return changed ? out.toString() : null;
    }).recover(err -> {
      if (!unavailableLogged) {
        unavailableLogged = true;
        LOG.warn("Search suggestions are unavailable (is pg_trgm installed?): {}", err.getMessage());
      }
      return Future.succeededFuture(null);
    });
  }
}
