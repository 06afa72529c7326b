package app.homeroom.people;

import app.homeroom.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a roster file would do to the people there are (issue 25, point 2), worked out before anything is written:
 * the students it would create, update or leave unchanged, each invalid row with its line and reason, and, with
 * "disable students not in this file", the students it would disable. A row is matched to a person by roll ID, else
 * by email (both without regard to case), so the same file applied twice changes nothing the second time.
 *
 * <p>A row is invalid when a field is missing or malformed ({@link PersonFields}), when its roll ID or email appears
 * on an earlier row, when its email belongs to someone else, or when it matches a member of staff. The plan is pure:
 * the preview shows it, and the apply works it out again inside its transaction from what the database holds then.
 */
public final class RosterPlan {

  /** Lists in the preview are cut at this many entries; the counts are always whole. */
  public static final int LISTED = 200;

  /** A person as the plan compares them. */
  public record Person(long id, String role, String name, String email, String rollId, String className,
                       boolean disabled) {}

  public record Invalid(long line, String reason) {}

  public record Update(long line, Person before, RosterFile.Row after) {

    /** {@code {field: {from, to}}} for each field the row changes. */
    public JsonObject changes() {
      JsonObject out = new JsonObject();
      change(out, "name", before.name(), after.name());
      change(out, "email", before.email(), after.email());
      change(out, "rollId", before.rollId(), after.rollId());
      change(out, "className", before.className(), after.className());
      return out;
    }

    private static void change(JsonObject out, String field, String from, String to) {
      if (!Objects.equals(from, to)) {
        out.put(field, new JsonObject().put("from", from).put("to", to));
      }
    }
  }

  public final List<RosterFile.Row> creates = new ArrayList<>();
  public final List<Update> updates = new ArrayList<>();
  public final List<Invalid> invalid = new ArrayList<>();
  public final List<Person> disables = new ArrayList<>();
  public int unchanged;
  public final int rows;

  private RosterPlan(int rows) {
    this.rows = rows;
  }

  /** Plans {@code rows} against {@code people} (everyone, staff included: their emails are taken too). */
  public static RosterPlan of(List<RosterFile.Row> rows, List<Person> people, boolean disableMissing) {
    Map<String, Person> byRoll = new HashMap<>();
    Map<String, Person> byEmail = new HashMap<>();
    for (Person p : people) {
      if (p.rollId() != null) {
        byRoll.put(key(p.rollId()), p);
      }
      byEmail.put(key(p.email()), p);
    }
    RosterPlan plan = new RosterPlan(rows.size());
    Map<String, Long> rollSeen = new HashMap<>();
    Map<String, Long> emailSeen = new HashMap<>();
    Set<Long> present = new HashSet<>();
    for (RosterFile.Row raw : rows) {
      // Matched before checking, so a student whose row has a mistake is not also listed for disabling.
      Person match = raw.rollId() != null ? byRoll.get(key(raw.rollId())) : null;
      if (match == null && raw.email() != null) {
        match = byEmail.get(key(raw.email()));
      }
      if (match != null) {
        present.add(match.id());
      }
      String problem = problem(raw, match, byEmail, rollSeen, emailSeen);
      if (problem != null) {
        plan.invalid.add(new Invalid(raw.line(), problem));
        continue;
      }
      RosterFile.Row row = normalised(raw);
      if (match == null) {
        plan.creates.add(row);
      } else if (Objects.equals(match.name(), row.name()) && Objects.equals(match.email(), row.email())
          && Objects.equals(match.rollId(), row.rollId()) && Objects.equals(match.className(), row.className())) {
        plan.unchanged++;
      } else {
        plan.updates.add(new Update(raw.line(), match, row));
      }
    }
    if (disableMissing) {
      for (Person p : people) {
        if ("student".equals(p.role()) && !p.disabled() && !present.contains(p.id())) {
          plan.disables.add(p);
        }
      }
      plan.disables.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
    }
    return plan;
  }

  private static String problem(RosterFile.Row row, Person match, Map<String, Person> byEmail,
                                Map<String, Long> rollSeen, Map<String, Long> emailSeen) {
    List<String> missing = new ArrayList<>();
    if (row.name() == null) {
      missing.add("name");
    }
    if (row.email() == null) {
      missing.add("email");
    }
    if (row.rollId() == null) {
      missing.add("roll ID");
    }
    if (row.className() == null) {
      missing.add("class");
    }
    if (!missing.isEmpty()) {
      return "Missing " + String.join(", ", missing);
    }
    try {
      normalised(row);
    } catch (ApiError e) {
      return e.getMessage().replace("'email'", "The email").replace("'rollId'", "The roll ID")
          .replace("'className'", "The class").replace("'name'", "The name");
    }
    Long earlierRoll = rollSeen.putIfAbsent(key(row.rollId()), row.line());
    if (earlierRoll != null) {
      return "Roll ID " + row.rollId() + " is also on line " + earlierRoll;
    }
    Long earlierEmail = emailSeen.putIfAbsent(key(row.email()), row.line());
    if (earlierEmail != null) {
      return "Email " + row.email() + " is also on line " + earlierEmail;
    }
    if (match != null && !"student".equals(match.role())) {
      return "Email " + row.email() + " belongs to a member of staff, " + match.name();
    }
    Person owner = byEmail.get(key(row.email()));
    if (owner != null && (match == null || owner.id() != match.id())) {
      return "Email " + row.email() + " is taken by " + owner.name()
          + ("student".equals(owner.role()) && owner.rollId() != null ? " (roll ID " + owner.rollId() + ")" : "");
    }
    return null;
  }

  /** The row's fields as they would be stored, checked as the People table checks them (a 400 when not). */
  private static RosterFile.Row normalised(RosterFile.Row row) {
    return new RosterFile.Row(row.line(), PersonFields.name(row.name()), PersonFields.email(row.email()),
        PersonFields.rollId(row.rollId()), PersonFields.className(row.className()));
  }

  private static String key(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  public boolean valid() {
    return invalid.isEmpty();
  }

  /** Anything to write. */
  public boolean changesSomething() {
    return !creates.isEmpty() || !updates.isEmpty() || !disables.isEmpty();
  }

  /**
   * The preview: {@code {rows, create, update, unchanged, disable, invalid: n, invalidRows: [{line, reason}],
   * creates: [{line, name, email, rollId, className}], updates: [{line, id, name, changes}], disables: [{id, name,
   * className, rollId}]}}, each list cut at {@link #LISTED}.
   */
  public JsonObject toJson() {
    JsonArray invalidRows = new JsonArray();
    invalid.stream().limit(LISTED).forEach(i -> invalidRows.add(new JsonObject().put("line", i.line())
        .put("reason", i.reason())));
    JsonArray created = new JsonArray();
    creates.stream().limit(LISTED).forEach(r -> created.add(new JsonObject().put("line", r.line())
        .put("name", r.name()).put("email", r.email()).put("rollId", r.rollId()).put("className", r.className())));
    JsonArray updated = new JsonArray();
    updates.stream().limit(LISTED).forEach(u -> updated.add(new JsonObject().put("line", u.line())
        .put("id", u.before().id()).put("name", u.before().name()).put("changes", u.changes())));
    JsonArray disabled = new JsonArray();
    disables.stream().limit(LISTED).forEach(p -> disabled.add(new JsonObject().put("id", p.id()).put("name", p.name())
        .put("className", p.className()).put("rollId", p.rollId())));
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("rows", rows);
    counts.put("create", creates.size());
    counts.put("update", updates.size());
    counts.put("unchanged", unchanged);
    counts.put("disable", disables.size());
    counts.put("invalid", invalid.size());
    return new JsonObject(counts).put("invalidRows", invalidRows).put("creates", created).put("updates", updated)
        .put("disables", disabled);
  }
}
