package app.homeroom.support;

/**
 * The known state most tests start from: an empty database with one admin (Ada) and two students (Sam, Olga)
 * in different classes, and signed-in REST callers for Ada and Sam on the shared node.
 */
public final class School {

  public static final String PASSWORD = "correct horse battery";
  public static final String ADMIN_EMAIL = "ada@test.school";
  public static final String STUDENT_EMAIL = "sam@test.school";

  public final TestDb db;
  public final long admin;
  public final long student;
  public final long otherStudent;
  public final Api staff;
  public final Api pupil;

  private School() {
    TestEnv.node();
    db = TestEnv.db();
    db.reset();
    admin = db.createAdmin("Ada Admin", ADMIN_EMAIL, PASSWORD);
    student = db.createStudent("Sam Student", STUDENT_EMAIL, "R-001", "7A", PASSWORD);
    otherStudent = db.createStudent("Olga Other", "olga@test.school", "R-002", "7B", PASSWORD);
    staff = Api.signedIn(ADMIN_EMAIL, PASSWORD);
    pupil = Api.signedIn(STUDENT_EMAIL, PASSWORD);
  }

  public static School fresh() {
    return new School();
  }

  /** Opens (creating if needed) the student's conversation as Ada; returns its id. */
  public long openConversation(long studentId) {
    Api.Response r = staff.post("/api/students/" + studentId + "/conversation", null);
    if (r.status() != 200) {
      throw new IllegalStateException("open failed: " + r.status() + " " + r.raw().body());
    }
    return r.json().getJsonObject("conversation").getLong("id");
  }
}
