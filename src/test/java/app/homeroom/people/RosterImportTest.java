package app.homeroom.people;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestDb;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, point 2: roster import from CSV, previewed before anything is written, applied all or nothing,
 * idempotent, with the end-of-year "disable students not in this file".
 */
class RosterImportTest {

  School school;
  TestDb db;
  Api ada;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    db = school.db;
    ada = school.staff;
  }

  private Api.Response upload(String query, String csv) {
    return upload(query, csv.getBytes(StandardCharsets.UTF_8));
  }

  private Api.Response upload(String query, byte[] file) {
    return ada.postBytes("/api/people/import" + query, file, "text/csv");
  }

  private long users() {
    return db.queryLong("select count(*) from users");
  }

  private static List<String> reasons(JsonObject report) {
    return report.getJsonArray("invalidRows").stream()
        .map(o -> ((JsonObject) o).getLong("line") + ": " + ((JsonObject) o).getString("reason"))
        .collect(Collectors.toList());
  }

  @Test
  @DisplayName("Issue 25.2: a spreadsheet's export (BOM, semicolons, quotes, CRLF) previews without writing anything")
  void preview_writes_nothing() {
    String csv = "\uFEFFStudent ID;Surname;First name;E-Mail;Form\r\n"
        + "R-001;Student;Sam;sam@test.school;7A\r\n"                  // unchanged
        + "R-002;Other;Olga;olga@test.school;8B\r\n"                  // moves up a class
        + "R-100;\"Nakamura; Jr.\";\"Kenji \"\"Ken\"\"\";ken@test.school;7A\r\n" // quoted separator and quotes
        + "\r\n";
    long before = users();
    Api.Response r = upload("?dryRun=true", csv);
    assertEquals(200, r.status(), r.raw().body());
    JsonObject p = r.json();
    assertEquals(";", p.getJsonObject("file").getString("separator"));
    assertEquals(3, p.getInteger("rows"));
    assertEquals(1, p.getInteger("create"));
    assertEquals(1, p.getInteger("update"));
    assertEquals(1, p.getInteger("unchanged"));
    assertEquals(0, p.getInteger("invalid"));
    assertEquals("Kenji \"Ken\" Nakamura; Jr.", p.getJsonArray("creates").getJsonObject(0).getString("name"));
    assertEquals(new JsonObject().put("className", new JsonObject().put("from", "7B").put("to", "8B")),
        p.getJsonArray("updates").getJsonObject(0).getJsonObject("changes"));
    assertEquals(false, p.getBoolean("applied"));
    assertEquals(before, users());
    assertEquals("7B", db.queryString("select class_name from users where id = " + school.otherStudent));
  }

  @Test
  @DisplayName("Issue 25.2: each invalid row has its line and reason; applying such a file writes nothing (422)")
  void invalid_rows_block_the_apply() {
    String csv = """
        name,email,roll id,class
        Good Pupil,good@test.school,R-200,7A
        Bad Email,not-an-email,R-201,7A
        Twin One,twin1@test.school,R-202,7A
        Twin Two,twin2@test.school,r-202,7A
        Staff Clash,ada@test.school,R-203,7A
        Taken Email,olga@test.school,R-001,7A
        No Class,noclass@test.school,R-205,
        """;
    Api.Response preview = upload("", csv); // dryRun defaults to true
    assertEquals(200, preview.status(), preview.raw().body());
    assertEquals(2, preview.json().getInteger("create"));
    assertEquals(List.of(
        "3: The email is not an email address",
        "5: Roll ID r-202 is also on line 4",
        "6: Email ada@test.school belongs to a member of staff, Ada Admin",
        "7: Email olga@test.school is taken by Olga Other (roll ID R-002)",
        "8: Missing class"), reasons(preview.json()));

    long before = users();
    long audits = db.queryLong("select count(*) from audit_events");
    Api.Response apply = upload("?dryRun=false", csv);
    assertEquals(422, apply.status(), apply.raw().body());
    assertEquals("5 rows are invalid; nothing was imported", apply.json().getJsonObject("error").getString("message"));
    assertEquals(5, apply.json().getJsonObject("error").getJsonObject("details").getInteger("invalid"));
    assertEquals(before, users());
    assertEquals(audits, db.queryLong("select count(*) from audit_events"));
  }

  @Test
  @DisplayName("Issue 25.2: apply creates and updates in one go, with audit entries; the same file again changes nothing")
  void apply_is_idempotent() {
    String csv = "Name,Email,Roll ID,Class\nSam Student,sam@test.school,R-001,8A\nNew Pupil,new@test.school,R-300,8A\n";
    Api.Response first = upload("?dryRun=false", csv);
    assertEquals(200, first.status(), first.raw().body());
    assertEquals(true, first.json().getBoolean("applied"));
    assertEquals(1, first.json().getInteger("create"));
    assertEquals(1, first.json().getInteger("update"));
    assertEquals("8A", db.queryString("select class_name from users where id = " + school.student));
    assertEquals("invited", ada.get("/api/people?q=new%40test").json().getJsonArray("people").getJsonObject(0)
        .getString("status"));
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'student.created'"
        + " and details->>'import' = 'true'"));
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'student.updated'"
        + " and details->'className'->>'to' = '8A'"));
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'roster.imported'"));

    long audits = db.queryLong("select count(*) from audit_events");
    Api.Response again = upload("?dryRun=false", csv);
    assertEquals(200, again.status());
    assertEquals(0, again.json().getInteger("create"));
    assertEquals(0, again.json().getInteger("update"));
    assertEquals(2, again.json().getInteger("unchanged"));
    assertEquals(audits, db.queryLong("select count(*) from audit_events"));

    // Keyed by roll ID: a new email for the same roll ID is an update, not a second student.
    Api.Response moved = upload("?dryRun=false", "Name,Email,Roll ID,Class\nNew Pupil,pupil@test.school,R-300,8A\n");
    assertEquals(1, moved.json().getInteger("update"));
    assertEquals(1, db.queryLong("select count(*) from users where roll_id = 'R-300' and email = 'pupil@test.school'"));
  }

  @Test
  @DisplayName("Issue 25.2: 'disable students not in this file' lists them in the preview, then disables them and ends their sessions")
  void end_of_year_sync_disables_the_missing() {
    String csv = "name,email,roll id,class\nSam Student,sam@test.school,R-001,7A\n";
    Api olga = Api.signedIn("olga@test.school", School.PASSWORD);
    Api.Response preview = upload("?disableMissing=true", csv);
    assertEquals(1, preview.json().getInteger("disable"));
    assertEquals("Olga Other", preview.json().getJsonArray("disables").getJsonObject(0).getString("name"));
    assertEquals(200, olga.get("/api/me").status());

    Api.Response apply = upload("?disableMissing=true&dryRun=false", csv);
    assertEquals(200, apply.status(), apply.raw().body());
    assertEquals(1, apply.json().getInteger("disable"));
    assertTrue(db.queryLong("select count(*) from users where id = " + school.otherStudent + " and disabled_at is not null") == 1);
    assertEquals(401, olga.get("/api/me").status());
    assertEquals(1, db.queryLong("select count(*) from audit_events where action = 'student.disabled'"
        + " and target_id = " + school.otherStudent));
    assertEquals(0, upload("?disableMissing=true", csv).json().getInteger("disable")); // already disabled
  }

  @Test
  @DisplayName("Issue 25.2: a file without a header can be mapped by column number; without a mapping it is one clear 422")
  void columns_can_be_chosen() {
    String csv = "7A,Pat Pupil,R-400,pat@test.school\n7B,Quin Pupil,R-401,quin@test.school\n";
    Api.Response unusable = upload("", csv);
    assertEquals(422, unusable.status(), unusable.raw().body());
    JsonObject details = unusable.json().getJsonObject("error").getJsonObject("details");
    assertEquals(new JsonArray(List.of("Column 1", "Column 2", "Column 3", "Column 4")), details.getJsonArray("columns"));
    assertEquals(new JsonArray(List.of("name", "email", "roll ID", "class")), details.getJsonArray("missing"));

    Api.Response mapped = upload("?className=1&name=2&rollId=3&email=4", csv);
    assertEquals(200, mapped.status(), mapped.raw().body());
    assertEquals(2, mapped.json().getInteger("create"));
    assertEquals(400, upload("?className=9&name=2&rollId=3&email=4", csv).status());
  }

  @Test
  @DisplayName("Issue 25.2: too big, binary, not UTF-8, empty: each one clear error; only staff may import")
  void bad_files() {
    byte[] big = new byte[RosterFile.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    Api.Response tooBig = upload("", big);
    assertEquals(413, tooBig.status());
    assertEquals("A roster file can be at most 5 MB", tooBig.json().getJsonObject("error").getString("message"));

    byte[] xlsx = {0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00};
    Api.Response binary = upload("", xlsx);
    assertEquals(415, binary.status());
    assertTrue(binary.json().getJsonObject("error").getString("message").contains("CSV UTF-8"));

    byte[] latin1 = "name,email,roll id,class\nJos\u00e9 P,jose@test.school,R-500,7A\n".getBytes(StandardCharsets.ISO_8859_1);
    Api.Response notUtf8 = upload("", latin1);
    assertEquals(415, notUtf8.status());
    assertTrue(notUtf8.json().getJsonObject("error").getString("message").contains("not UTF-8"));

    assertEquals(400, upload("", "").status());
    assertEquals(400, upload("?dryRun=maybe", "name,email,roll id,class\n").status());
    assertEquals(403, school.pupil.postBytes("/api/people/import", "a,b\n".getBytes(), "text/csv").status());
    assertEquals(401, new Api(app.homeroom.support.TestEnv.baseUrl()).postBytes("/api/people/import", big, "text/csv").status());
  }
}
