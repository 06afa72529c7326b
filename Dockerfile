# syntax=docker/dockerfile:1
# Homeroom in a container: the lean jar (`./mvnw package -Plean`: no embedded PostgreSQL binaries, 38 MB instead of
# 154 MB), run as a non-root user against an external PostgreSQL (HOMEROOM_DB_URL). Issue 29, point 5.
# Not built on our development machines (they have no Docker engine): see README.md, "Docker compose".

# --- build: the Maven wrapper fetches Maven 3.9 from Maven Central, then the project builds as on a laptop.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN chmod +x mvnw
COPY conf conf
COPY webroot webroot
COPY src/main src/main
# The cache mount keeps ~/.m2 (the wrapper's Maven and the dependencies) between builds.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -Plean -DskipTests

# --- run: a JRE and the jar. Configuration comes from HOMEROOM_* environment variables (README.md,
# "Configuration"); with no conf/ folder here, the defaults built into the jar apply.
FROM eclipse-temurin:17-jre
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin homeroom \
 && mkdir /app && chown homeroom /app \
 && mkdir -p /var/lib/homeroom && chown homeroom /var/lib/homeroom && chmod 700 /var/lib/homeroom
WORKDIR /app
COPY --from=build /src/target/homeroom.jar /app/homeroom.jar
USER homeroom
# 8080: HTTP (REST, web client, /eventbus). 5701: Hazelcast. 9464: metrics, when HOMEROOM_METRICS=true. The event bus
# itself listens on a random port.
EXPOSE 8080 5701 9464
# Ready: the database answers, the node is a cluster member, every verticle deployed (GET /health/ready, issue 29).
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD bash -c "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\r\n\r\n' >&3 && head -n1 <&3 | grep -q ' 200 '"
# SIGTERM (docker stop) drains the node: HOMEROOM_DRAIN_SECONDS (10 s) before it leaves the cluster (README, "Rolling restart").
STOPSIGNAL SIGTERM
# The heap follows the container's memory limit (75 % of it; the rest is for metaspace, threads, Netty's direct
# buffers); an out-of-memory error ends the process, so the orchestrator restarts it instead of it limping on. More JVM
# options: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/homeroom.jar"]
