package app.homeroom.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one run against one system (Homeroom or the baseline) measured; {@link LoadReport} renders it. */
final class RunResult {

  /** A memory sample of one server process at one point of the run. */
  record Memory(String when, String target, ServerProbe.Sample sample) {}

  /** One step of the saturation scenario, with why the ramp stopped there (null when it went on). */
  record Step(double offered, Ledger.WindowStats stats, String stop) {}

  String system;
  String scenario;
  String runId;
  String startedAt;
  List<String> targets = List.of();
  int students;
  int admins;
  String label;

  List<Ledger.WindowStats> windows = List.of();
  Map<String, Long> events = new LinkedHashMap<>();
  Ledger.Percentiles pacerLag;

  int clients;
  int readyAfterRamp;
  double secondsToConnectAll = -1;
  int heldMin = -1;
  int heldAtEnd = -1;

  List<Memory> memory = new ArrayList<>();
  /** CPU used during the measured part, in cores, by process (see {@link CpuMeter}). */
  Map<String, Double> cpuCores = new LinkedHashMap<>();
  /** The same CPU per message stored meanwhile, in microseconds ({@link CpuMeter#microsPerMessage}). */
  Map<String, Double> cpuMicrosPerMessage = new LinkedHashMap<>();
  /**
   * Idle: (after - before) / connections, KiB; NaN when unknown. {@code serverKbPerConnection} is the resident memory
   * less the heap's free part ({@link ServerProbe.Sample#inUseKb()}): heap used after GC plus native memory, exact
   * when the server's heap is pinned (-Xms = -Xmx, -XX:+AlwaysPreTouch); the raw RSS difference (which moves with
   * the heap the collector keeps) and the heap after GC are beside it.
   */
  double serverKbPerConnection = Double.NaN;
  double serverRssKbPerConnection = Double.NaN;
  double serverHeapKbPerConnection = Double.NaN;
  /** Idle: the same between half and all of the clients connected, so without fixed costs. */
  double serverKbPerConnectionMarginal = Double.NaN;
  double serverHeapKbPerConnectionMarginal = Double.NaN;
  double generatorHeapKbPerConnection = Double.NaN;

  // reconnect
  /** Failover: the node that was killed. */
  String killedTarget;
  int dropped = -1;
  int back = -1;
  double secondsUntilAllBack = -1;
  Ledger.Percentiles backLatency;
  long missedLiveCaughtUp = -1;

  // saturate
  List<Step> steps = new ArrayList<>();
  double ceilingStored = -1;
  double ceilingDelivered = -1;

  /** Rows this run stored, as counted in the database afterwards (Homeroom only): total, distinct. */
  long dbStored = -1;
  long dbDistinct = -1;

  long[][] timeline = new long[0][];
  int[] heldTimeline = new int[0];
  List<String> notes = new ArrayList<>();
  double loadAverageStart = -1;
  double loadAverageEnd = -1;
  /** The kernel's DAMON running at the start ({@link LoadRun#damonOn}): its page-outs stall this VM's processes. */
  boolean damonOn;

  /** The window results are quoted from: "measure" (steady, idle), the whole run for reconnect. */
  Ledger.WindowStats window(String name) {
    return windows.stream().filter(w -> w.name().equals(name)).findFirst().orElse(null);
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    for (var f : RunResult.class.getDeclaredFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      try {
        o.put(f.getName(), json(f.get(this)));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return o;
  }

  /** Records, maps, lists and arrays to JSON, generically. */
  static Object json(Object v) {
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
      if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
        return null;
      }
      return v;
    }
    if (v instanceof Record r) {
      JsonObject o = new JsonObject();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        try {
          o.put(c.getName(), json(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return o;
    }
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.put(String.valueOf(k), json(x)));
      return o;
    }
    if (v instanceof Iterable<?> it) {
      JsonArray a = new JsonArray();
      it.forEach(x -> a.add(json(x)));
      return a;
    }
    if (v instanceof long[] arr) {
      JsonArray a = new JsonArray();
      for (long x : arr) {
        a.add(x);
      }
      return a;
    }
    if (v instanceof int[] arr) {
      JsonArray a = new JsonArray();
      for (int x : arr) {
        a.add(x);
      }
      return a;
    }
    if (v instanceof Object[] arr) {
      JsonArray a = new JsonArray();
      for (Object x : arr) {
        a.add(json(x));
      }
      return a;
    }
    return String.valueOf(v);
  }
}
