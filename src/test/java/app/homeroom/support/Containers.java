package app.homeroom.support;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * Issue 29, point 6: the tests' database in a container ({@code HOMEROOM_TEST_DB=testcontainers}), as the design card
 * lists Testcontainers. Used only when a Docker engine answers; without one the tests say so loudly and run on the
 * embedded PostgreSQL (our CI machines have no Docker engine, so CI keeps the embedded one).
 */
final class Containers {

  private static PostgreSQLContainer<?> postgres;

  private Containers() {}

  /** A started PostgreSQL 17 container's URL, or null when no Docker engine answers. */
  static synchronized String postgres() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      System.err.println("""
          ************************************************************************************
          HOMEROOM_TEST_DB=testcontainers, but no Docker engine answers here: the tests run on
          the embedded PostgreSQL instead.
          ************************************************************************************""");
      return null;
    }
    if (postgres == null) {
      postgres = new PostgreSQLContainer<>("postgres:17").withDatabaseName("homeroom").withUsername("postgres")
          .withPassword("homeroom-test")
          // The tests trade durability for speed, as with the embedded server.
          .withCommand("postgres", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=300");
      postgres.start();
    }
    return "postgresql://postgres:homeroom-test@" + postgres.getHost() + ":" + postgres.getMappedPort(5432) + "/homeroom";
  }
}
