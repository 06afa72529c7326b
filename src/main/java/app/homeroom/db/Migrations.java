package app.homeroom.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flyway over JDBC. Blocking: run it on a start-up or worker thread, never on an event loop. */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static void migrate(DbTarget target) {
    try {
      MigrateResult result = Flyway.configure()
          .dataSource(target.jdbcUrl(), target.user(), target.password())
          .locations("classpath:db/migration")
          .connectRetries(3)
          .load()
          .migrate();
      LOG.info("Database {} at schema version {} ({} migration(s) applied)", target.describe(),
          result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
          result.migrationsExecuted);
    } catch (RuntimeException e) {
      throw new StartupException("database " + target.describe() + " is unreachable or could not be migrated: "
          + StartupException.rootMessage(e), e);
    }
  }

}
