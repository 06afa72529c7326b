package app.homeroom.seed;

import app.homeroom.db.EmbeddedDatabase;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's demo school (`--demo`), on a database of its own: what a newcomer signing in as Ada sees first is a team
 * inbox in use, with conversations in her "Mine" and some left for the team.
 */
class DemoSchoolTest {

  @Test
  @DisplayName("the demo seeds once; each admin has open conversations assigned to them, with the assignment in the"
      + " staff timeline, and some are left unassigned")
  void a_team_inbox_in_use() throws Exception {
    Path dir = Files.createTempDirectory("homeroom-demo-pg").resolve("data");
    EmbeddedDatabase pg = EmbeddedDatabase.startOrJoin(TestEnv.freePort(), dir, false);
    try {
      pg.migrate();
      DemoSchool.seed(pg.target());
      DemoSchool.seed(pg.target()); // a second start finds the school there and adds nothing
      TestDb db = new TestDb(TestEnv.url(pg.superuserTarget()));
      assertEquals(DemoSchool.ADMINS.length, db.queryLong("select count(*) from users where role = 'admin'"));
      assertEquals(36, db.queryLong("select count(*) from conversations"));
      for (String admin : DemoSchool.ADMINS) {
        long mine = db.queryLong("""
            select count(*) from conversation_assignments a
              join conversations c on c.id = a.conversation_id
              join users u on u.id = a.assignee_id
             where u.name = ? and c.status = 'active'""", admin);
        assertTrue(mine >= 5, admin + " has " + mine + " open conversations of their own");
      }
      long unassigned = db.queryLong("""
          select count(*) from conversations c
           where c.status = 'active'
             and not exists (select 1 from conversation_assignments a where a.conversation_id = c.id)""");
      assertTrue(unassigned >= 3, unassigned + " open conversations for the team to pick up");
      assertEquals(0, db.queryLong("""
          select count(*) from conversation_assignments a
           where not exists (select 1 from staff_entries e where e.conversation_id = a.conversation_id
                                and e.kind = 'assigned' and e.assignee_id = a.assignee_id)"""),
          "every assignment shows in its conversation's staff timeline");
      assertEquals(0, db.queryLong("""
          select count(*) from staff_entries e join conversations c on c.id = e.conversation_id
           where e.after_seq > c.last_seq or e.created_at > now()"""), "no entry after the conversation's end");
    } finally {
      pg.close();
    }
  }
}
