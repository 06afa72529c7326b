package app.homeroom.bus;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23, point 3: the browser's addresses and event types come from one checked source. {@code webroot/lib/contract.js}
 * must name exactly the addresses a browser may use ({@link Address} of a client kind) and every {@link EventType},
 * with the same values; and no other web file may spell an address or event type in a string of its own.
 */
class BusContractTest {

  private static final Path WEBROOT = Path.of("webroot");
  private static final Set<Address.Kind> BROWSER_KINDS =
      EnumSet.of(Address.Kind.CLIENT_COMMAND, Address.Kind.CLIENT_INBOX, Address.Kind.CLIENT_INBOX_PREFIX);
  private static final Pattern ENTRY = Pattern.compile("^\\s*([A-Z_]+): '([^']*)',", Pattern.MULTILINE);

  @Test
  @DisplayName("contract.js names the browser's addresses as Address does, no more and no fewer")
  void addresses_match() throws IOException {
    Map<String, String> expected = new TreeMap<>();
    for (Address a : Address.values()) {
      if (BROWSER_KINDS.contains(a.kind())) {
        expected.put(a.name(), a.address());
      }
    }
    assertEquals(expected, new TreeMap<>(block("Address")));
  }

  @Test
  @DisplayName("contract.js names every event type as EventType does, no more and no fewer")
  void event_types_match() throws IOException {
    Map<String, String> expected = Arrays.stream(EventType.values())
        .collect(Collectors.toMap(Enum::name, EventType::type, (a, b) -> a, TreeMap::new));
    assertEquals(expected, new TreeMap<>(block("EventType")));
  }

  @Test
  @DisplayName("no other web file spells an address or event type: each takes it from contract.js")
  void nothing_typed_twice() throws IOException {
    Set<String> names = Stream.concat(Arrays.stream(Address.values()).map(Address::address),
        Arrays.stream(EventType.values()).map(EventType::type)).collect(Collectors.toSet());
    // A quoted string or the start of a template literal that is an address, an event type or the inbox prefix.
    Pattern literal = Pattern.compile("['\"`]([a-z]+\\.[a-z.]*)(?:['\"]|`|\\$\\{)");
    List<String> found;
    try (Stream<Path> files = Files.walk(WEBROOT)) {
      found = files.filter(p -> p.toString().endsWith(".js") && !p.getFileName().toString().equals("contract.js"))
          .flatMap(p -> {
            try {
              String text = withoutComments(Files.readString(p));
              Matcher m = literal.matcher(text);
              List<String> hits = new java.util.ArrayList<>();
              while (m.find()) {
                if (names.contains(m.group(1))) {
                  hits.add(p + ": " + m.group(1));
                }
              }
              return hits.stream();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).toList();
    }
    assertTrue(found.isEmpty(), "addresses and event types typed outside contract.js: " + found);
  }

  /** The code of a web file: block comments and whole-line or trailing {@code //} comments removed. */
  static String withoutComments(String js) {
    return js.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)(^|\\s)//.*$", "$1");
  }

  /** The entries of {@code export const <name> = Object.freeze({ … });} in contract.js. */
  private static Map<String, String> block(String name) throws IOException {
    String text = Files.readString(WEBROOT.resolve("lib/contract.js"));
    int start = text.indexOf("export const " + name + " = Object.freeze({");
    assertTrue(start >= 0, "contract.js exports " + name);
    int end = text.indexOf("});", start);
    Matcher m = ENTRY.matcher(text.substring(start, end));
    Map<String, String> entries = new LinkedHashMap<>();
    while (m.find()) {
      entries.put(m.group(1), m.group(2));
    }
    return entries;
  }
}
