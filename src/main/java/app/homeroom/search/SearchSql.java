package app.homeroom.search;

/**
 * The statements of message search (R6.4), where SQL is read: named constants, composed only of other named constants
 * (no formatting at run time). Four page statements: by relevance or by date, each in two forms that differ only in
 * how the candidate messages are ordered (walking the time index for searches common among recent messages,
 * sorting the text index's matches for rare ones; {@link MessageSearch} picks one by a probe). The text-search
 * configuration is {@code english}, the same as the generated column's in V6__status_entries_and_search.sql.
 */
public final class SearchSql {

  private SearchSql() {}

  /** A message this short is shown whole in its snippet; a longer one by fragments around the matches. */
  static final int WHOLE_SNIPPET_CHARS = 240;

  /**
   * The conversations that the student, class and status filters (and a student's own scope) leave: resolved
   * first, so the message query gets them as an array it can intersect with the text index.
   */
  static final String CONVERSATIONS = """
      select coalesce(array_agg(c.id), '{}') from conversations c join users s on s.id = c.student_id
       where ($1::bigint is null or c.student_id = $1) and ($2::bigint is null or c.student_id = $2)
         and ($3::text is null or s.class_name = $3) and ($4::text is null or c.status = $4)""";

  /**
   * The filters on a message {@code m}: $2 conversation ids (null: all), $3 sender role, $4/$5 time range. Shared by
   * both sorts and the probe.
   */
  private static final String FILTER_CONDITIONS = """
      ($2::bigint[] is null or m.conversation_id = any($2))
             and ($3::text is null or exists (select 1 from users u where u.id = m.sender_id and u.role = $3))
             and ($4::timestamptz is null or m.created_at >= $4)
             and ($5::timestamptz is null or m.created_at < $5)""";
  /**
   * The matching messages ($1 the query), from the messages table alone; names and statuses are joined for the page's
   * rows only.
   */
  private static final String MATCHES = """
      from messages m where m.search_tsv @@ websearch_to_tsquery('english', $1)
             and\s""" + FILTER_CONDITIONS;

  /**
   * Messages the full probe looks at: the newest, by the time index. Enough to tell a mid word's share (1% is 50
   * matches) under a filter.
   */
  static final int PROBE_ROWS = 5000;

  /**
   * Messages the first, cheaper probe (a glance) looks at. Most searches are decided by it: words in no recent message
   * (a typo, a name, a code, a word nobody uses) and common ones. Reading a fifth of the rows, it costs about a fifth:
   * 0.4 against 1.4 ms, the larger part of a search that finds nothing (issue 24, point 2: one user's searches cost
   * everyone's sends).
   */
  static final int GLANCE_ROWS = 1000;

  /**
   * How common the search is among the newest messages, with and without the filters, and how many messages there are.
   * PostgreSQL's estimate for a word it has no statistics on is 0.5% of the table, so for a rare name or code it walks
   * the time index expecting a page soon, and reads the whole table (1.4 s for 21 matches in a million, measured); the
   * probe tells the cases apart for a millisecond or so. It parses the query once and matches each message once (1.1
   * against 2.2 ms on 27,000 messages, issue 24, point 2: searches cost others). {@link #GLANCE} and {@link #PROBE}
   * differ only in how many of the newest messages they read: a constant, so each is planned for its own number.
   */
  private static final String PROBE_HEAD = """
      select count(*) filter (where m.hit) as text_matches,
             count(*) filter (where m.hit and\s""" + FILTER_CONDITIONS + """
      ) as matches,
             (select greatest(reltuples, 1) from pg_class where oid = 'messages'::regclass)::bigint as total
        from (select n.conversation_id, n.sender_id, n.created_at, n.search_tsv @@ q.query as hit
                from (select conversation_id, sender_id, created_at, search_tsv from messages
                       order by created_at desc, id desc limit\s""";
  private static final String PROBE_TAIL = """
      ) n
               cross join websearch_to_tsquery('english', $1) q (query)) m""";

  /** The probe over the newest {@value #GLANCE_ROWS} messages. */
  static final String GLANCE = PROBE_HEAD + GLANCE_ROWS + PROBE_TAIL;
  /** The probe over the newest {@value #PROBE_ROWS} messages. */
  static final String PROBE = PROBE_HEAD + PROBE_ROWS + PROBE_TAIL;

  /** Candidates by walking the time index backwards. */
  private static final String WALK_ORDER = "m.created_at desc, m.id desc";
  /** Candidates from the text index, sorted (the order expression keeps the planner off the walk). */
  private static final String SORT_ORDER = "(m.created_at + interval '0 s') desc, m.id desc";

  /** A snippet of {@code r} (a relevance tier's row): whole when short, else fragments with options $10. */
  private static final String HEADLINE_OF_TIER = "ts_headline('english', r.body, q.query, case when length(r.body) <= "
      + WHOLE_SNIPPET_CHARS + " then 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', HighlightAll=true'"
      + " else $10 end) as headline";
  /** A snippet of {@code d} (a date page's row): as {@link #HEADLINE_OF_TIER}, with options $9. */
  private static final String HEADLINE_OF_DATE = "ts_headline('english', d.body, q.query, case when length(d.body) <= "
      + WHOLE_SNIPPET_CHARS + " then 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', HighlightAll=true'"
      + " else $9 end) as headline";

  /** The page's rows ({@code p}): the message, its rank and snippet, and (by relevance) where its tier lies... */
  private static final String PAGE_COLUMNS = """
      select p.id, p.conversation_id, p.seq, p.kind, p.sender_id, p.client_msg_id, p.body, p.note, p.created_at,
             p.rank, p.headline,\s""";
  private static final String TIER_COLUMNS = "p.tier_size, p.floor_at, p.floor_id, p.top_at, p.top_id,";
  /** ... with who sent them and whose conversation they are in. */
  private static final String PAGE_NAMES = """

             u.name as sender_name, u.role as sender_role, c.student_id, c.status as conversation_status,
             s.name as student_name, s.roll_id, s.class_name
        from (""";
  private static final String PAGE_JOINS = """
      ) p
        join conversations c on c.id = p.conversation_id
        join users s on s.id = c.student_id
        join users u on u.id = p.sender_id
       order by\s""";

  /**
   * One tier, ranked: $6/$7 the tier's upper bound, exclusive (created_at, id; null for the newest), $8/$9 the
   * last hit shown (rank, id; null at the start of a tier), $10 headline options, $11 the tier size, $12 rows
   * wanted. Each row also says where its tier begins and ends, for the next cursor. The candidates' order follows.
   */
  private static final String TIER_HEAD = """
      select r.*,\s""" + HEADLINE_OF_TIER + """

        from (
          select t.*, ts_rank_cd(t.search_tsv, q.query) as rank, count(*) over () as tier_size,
                 first_value(t.created_at) over oldest as floor_at, first_value(t.id) over oldest as floor_id,
                 first_value(t.created_at) over newest as top_at, first_value(t.id) over newest as top_id
            from (select m.*\s""" + MATCHES + """

                     and ($6::timestamptz is null or (m.created_at, m.id) < ($6, $7::bigint))
                   order by\s""";
  private static final String TIER_TAIL = """

                   limit $11) t
           cross join websearch_to_tsquery('english', $1) q (query)
          window oldest as (order by t.created_at, t.id), newest as (order by t.created_at desc, t.id desc)
        ) r
       cross join websearch_to_tsquery('english', $1) q (query)
       where ($8::real is null or r.rank < $8 or (r.rank = $8 and r.id < $9::bigint))
       order by r.rank desc, r.id desc
       limit $12""";
  private static final String BY_RELEVANCE_HEAD = PAGE_COLUMNS + TIER_COLUMNS + PAGE_NAMES + TIER_HEAD;
  private static final String BY_RELEVANCE_TAIL = TIER_TAIL + PAGE_JOINS + "p.rank desc, p.id desc\n";

  /** A tier by walking the time index backwards: for searches common among recent messages. */
  public static final String BY_RELEVANCE = BY_RELEVANCE_HEAD + WALK_ORDER + BY_RELEVANCE_TAIL;
  /** A tier from the text index, sorted: for rare searches. */
  public static final String BY_RELEVANCE_RARE = BY_RELEVANCE_HEAD + SORT_ORDER + BY_RELEVANCE_TAIL;

  /** Newest first: $6/$7 the last hit shown (created_at, id), $8 rows wanted, $9 headline options. */
  private static final String DATE_HEAD = """
      select d.*,\s""" + HEADLINE_OF_DATE + """
      , ts_rank_cd(d.search_tsv, q.query) as rank
        from (select m.*\s""" + MATCHES + """

                 and ($6::timestamptz is null or (m.created_at, m.id) < ($6, $7::bigint))
               order by\s""";
  private static final String DATE_TAIL = """

               limit $8) d
       cross join websearch_to_tsquery('english', $1) q (query)""";
  private static final String BY_DATE_HEAD = PAGE_COLUMNS + PAGE_NAMES + DATE_HEAD;
  private static final String BY_DATE_TAIL = DATE_TAIL + PAGE_JOINS + "p.created_at desc, p.id desc\n";

  public static final String BY_DATE = BY_DATE_HEAD + WALK_ORDER + BY_DATE_TAIL;
  public static final String BY_DATE_RARE = BY_DATE_HEAD + SORT_ORDER + BY_DATE_TAIL;
}
