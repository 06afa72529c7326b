package app.homeroom.bench;

import app.homeroom.support.TestDb;

/**
 * The benchmarks' school: 10,000 students in 20 classes, one conversation each with 100 messages (1,000,000 in
 * all, half the student's), spread over a year, a tenth of the conversations closed, read marks for the measuring
 * admin on 90% of them. Message text is drawn from a school vocabulary with a skewed (Zipf-like) frequency, so
 * full-text search meets very common words (the commonest in half of all messages, the rarest of them in 2.5%)
 * and, through one reference code per message ({@code ref0} … {@code ref49999}, about 20 messages each), rare ones
 * like names and codes. Seeded with set-based SQL (a few statements, not a million round trips); reused by every benchmark of
 * a run, and across runs with {@code -Dbench.reuse=true} and an external {@code HOMEROOM_TEST_DB_URL}.
 */
final class BenchSchool {

  static final int STUDENTS = 10_000;
  static final int MESSAGES_PER_CONVERSATION = 100;
  static final String ADMIN_EMAIL = "bench.admin@bench.school";
  static final String ADMIN_PASSWORD = "bench-password";
  /** Bumped when the seed changes, so a reused database seeded differently is seeded again. */
  private static final String VERSION = "4";

  /**
   * School words, most frequent first: a message draws 6-17 of them with index {@code n * random()^2.2}, so the
   * first words are in several percent of all messages and the last ones in a few hundred.
   */
  static final String[] WORDS = ("please thanks homework today tomorrow class teacher question help school time "
      + "know need work week friday monday lesson think sorry bring form parents trip test late answer project "
      + "sign meeting good morning afternoon room read write library book maths science english history "
      + "assignment deadline permission slip museum bus lunch break sports football practice match team coach "
      + "uniform shoes bag lost found office nurse sick absent doctor appointment note mother father grandmother "
      + "brother sister weekend holiday term report grade exam revision notes essay chapter page exercise "
      + "worksheet printer computer laptop password email login portal upload submit feedback marks results "
      + "music choir band concert rehearsal drama play costume art paint drawing gallery photo camera club "
      + "chess robotics coding debate volunteer charity fundraiser bake sale tickets money payment refund "
      + "canteen allergy vegetarian sandwich water bottle jacket locker key timetable schedule calendar "
      + "swimming gala pool towel goggles athletics race relay medal trophy certificate assembly prize "
      + "counsellor wellbeing worried stress anxious bullying friend argument apologise behaviour detention "
      + "warning merit award attendance punctuality transport train delayed snow closure emergency fire drill "
      + "evacuation visitor badge uniformity geography atlas volcano earthquake biology cell microscope "
      + "chemistry experiment laboratory goggles physics magnet circuit battery astronomy telescope planet "
      + "orchestra violin trumpet piano audition scholarship university application reference interview").split(" ");

  private static boolean seededInThisRun;

  private BenchSchool() {}

  /**
   * Seeds the school once per run (and not at all with {@code -Dbench.reuse=true} when an identical seed is
   * there); answers the admin's id.
   */
  static synchronized long ensure(TestDb db) {
    if ((seededInThisRun || Boolean.getBoolean("bench.reuse")) && seeded(db)) {
      return db.queryLong("select id from users where email = ?", ADMIN_EMAIL);
    }
    long admin = seed(db);
    seededInThisRun = true;
    return admin;
  }

  static boolean seeded(TestDb db) {
    return db.queryLong("select count(*) from settings where key = 'bench.seed' and value = ?", VERSION) == 1
        && db.queryLong("select count(*) from messages") == (long) STUDENTS * MESSAGES_PER_CONVERSATION;
  }

  private static long seed(TestDb db) {
    db.reset();
    long admin = db.createAdmin("Bench Admin", ADMIN_EMAIL, ADMIN_PASSWORD);
    String hash = db.queryString("select password_hash from users where id = ?", admin);
    db.exec("""
        insert into users (role, name, email, password_hash, roll_id, class_name)
        select 'student', 'Student ' || g, 'student' || g || '@bench.school', ?, 'B-' || lpad(g::text, 5, '0'),
               (array['7A','7B','7C','7D','8A','8B','8C','8D','9A','9B','9C','9D','10A','10B','10C','10D',
                      '11A','11B','12A','12B'])[1 + g % 20]
          from generate_series(1, ?) g""", hash, STUDENTS);
    // Each conversation starts on one day of the past year; its messages follow two hours apart. They are inserted
    // in time order, as a live school writes them, so ids and the table's physical order follow time.
    db.exec("""
        insert into conversations (student_id, created_by, created_at, status, last_seq, last_message_at, student_msg_count)
        select id, ?, now() - interval '400 days' + (id % 365) * interval '1 day',
               case when id % 10 = 3 then 'closed' else 'active' end, ?,
               now() - interval '400 days' + (id % 365) * interval '1 day' + ? * interval '2 hours', ? / 2
          from users where role = 'student'""", admin, MESSAGES_PER_CONVERSATION, MESSAGES_PER_CONVERSATION,
        MESSAGES_PER_CONVERSATION);
    String vocabulary = "array['" + String.join("','", WORDS) + "']";
    db.exec("""
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count)
        select c.id, s, case when s %% 2 = 1 then c.student_id else ? end, gen_random_uuid(),
               (select string_agg((%1$s)[1 + floor(power(random(), 2.2) * %2$d)::int], ' ')
                  from generate_series(1, 6 + (s * 7 + c.id) %% 12) w)
                 || ' ref' || floor(random() * 50000)::int,
               c.created_at + s * interval '2 hours', (s + 1) / 2
          from conversations c cross join generate_series(1, ?) s
         order by c.created_at + s * interval '2 hours'""".formatted(vocabulary, WORDS.length),
        admin, MESSAGES_PER_CONVERSATION);
    // This admin has read most conversations to some point: a realistic mix of zero and non-zero unread.
    db.exec("""
        insert into conversation_reads (conversation_id, user_id, read_seq, read_student_count, delivered_seq)
        select c.id, ?, r.seq, (r.seq + 1) / 2, r.seq
          from conversations c
          cross join lateral (select case when c.id % 10 < 7 then ? else (c.id % ?) + 1 end as seq) r
         where c.id % 10 <> 9""", admin, MESSAGES_PER_CONVERSATION, MESSAGES_PER_CONVERSATION);
    db.exec("insert into settings (key, value) values ('bench.seed', ?) on conflict (key) do update set value = excluded.value",
        VERSION);
    db.exec("vacuum analyze");
    return admin;
  }
}
