package io.eksscheduler.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.playbook.Position;
import io.eksscheduler.engine.playbook.Problem;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.Suggestions;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.playbook.YamlReader;
import io.eksscheduler.engine.playbook.YamlTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a fleet file and reports every problem in it at once, sorted, each at its line: YAML syntax
 * and duplicate keys, the schema ({@code schemas/fleet.schema.json}), unknown time zones and
 * calendars, impossible dates, empty windows, clusters named twice, references to missing schedules
 * and missing playbook files.
 */
public final class FleetLoader {
  /** The schema every fleet file is checked against. */
  public static final String FLEET_SCHEMA = "schemas/fleet.schema.json";

  private final SchemaCheck schemas;
  private final YamlLimits limits;

  public FleetLoader(SchemaCheck schemas, YamlLimits limits) {
    this.schemas = schemas;
    this.limits = limits;
  }

  /** The fleet when it had no problem, and the problems sorted by position. */
  public record Result(Optional<Fleet> fleet, List<Problem> problems) {
    public Result {
      List<Problem> sorted = new ArrayList<>(problems);
      Collections.sort(sorted);
      problems = List.copyOf(sorted);
    }
  }

  /** Loads the fleet file at {@code path}, naming it {@code file} in problems. */
  public Result load(Path path, String file) {
    List<Problem> problems = new ArrayList<>();
    Optional<String> text = YamlReader.readText(path, file, limits, problems);
    if (text.isEmpty()) {
      return new Result(Optional.empty(), problems);
    }
    Optional<YamlTree> tree = new YamlReader(limits).read(file, text.get(), problems);
    if (tree.isEmpty()) {
      return new Result(Optional.empty(), problems);
    }
    if (!tree.get().root().isObject()) {
      problems.add(
          Problem.at(file, Position.START, "a fleet is a mapping with apiVersion, kind, ..."));
      return new Result(Optional.empty(), problems);
    }
    problems.addAll(schemas.check(FLEET_SCHEMA, tree.get().root(), file, tree.get(), ""));
    Fleet fleet = new Reader(path, file, tree.get(), problems).fleet();
    return new Result(problems.isEmpty() ? Optional.of(fleet) : Optional.empty(), problems);
  }

  /** Builds the model from a tree that may hold errors, checking what the schema cannot. */
  private static final class Reader {
    private final Path path;
    private final String file;
    private final YamlTree tree;
    private final List<Problem> problems;
    private final Map<String, PublicHolidays> calendars = new HashMap<>();

    Reader(Path path, String file, YamlTree tree, List<Problem> problems) {
      this.path = path;
      this.file = file;
      this.tree = tree;
      this.problems = problems;
    }

    Fleet fleet() {
      JsonNode root = tree.root();
      Map<String, Schedule> schedules = new LinkedHashMap<>();
      root.path("schedules")
          .fields()
          .forEachRemaining(
              e ->
                  schedule(
                          Optional.of(e.getKey()),
                          e.getValue(),
                          "/schedules/" + YamlTree.segment(e.getKey()))
                      .ifPresent(s -> schedules.put(e.getKey(), s)));
      List<Fleet.Cluster> clusters = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      JsonNode list = root.path("clusters");
      for (int i = 0; i < list.size(); i++) {
        cluster(list.get(i), "/clusters/" + i, schedules, seen).ifPresent(clusters::add);
      }
      return new Fleet(
          path,
          root.path("metadata").path("name").asText(""),
          schedules,
          clusters,
          urlSource(root.path("notify").path("webhook").path("urlFrom")),
          pricing(root.path("pricing")));
    }

    private static Fleet.Pricing pricing(JsonNode p) {
      Map<String, java.math.BigDecimal> prices = new java.util.TreeMap<>();
      p.path("prices")
          .fields()
          .forEachRemaining(e -> prices.put(e.getKey(), e.getValue().decimalValue()));
      return new Fleet.Pricing(p.path("apiRegion").asText(Fleet.DEFAULT_PRICING_REGION), prices);
    }

    private Optional<Fleet.Cluster> cluster(
        JsonNode c, String pointer, Map<String, Schedule> schedules, Map<String, Integer> seen) {
      if (!c.isObject() || !c.path("name").isTextual()) {
        return Optional.empty();
      }
      String name = c.path("name").asText();
      Integer first = seen.putIfAbsent(name, tree.valueAt(pointer + "/name").line());
      if (first != null) {
        problem(
            pointer + "/name",
            "cluster '" + name + "' is named twice (first at line " + first + ")");
      }
      JsonNode s = c.path("schedule");
      Optional<Schedule> schedule = Optional.empty();
      if (s.isTextual()) {
        schedule = Optional.ofNullable(schedules.get(s.asText()));
        if (schedule.isEmpty() && validName(s.asText())) {
          // A schedule named but broken was reported where it stands.
          if (!tree.root().path("schedules").has(s.asText())) {
            problem(
                pointer + "/schedule",
                "unknown schedule '"
                    + s.asText()
                    + "'"
                    + Suggestions.closest(s.asText(), names())
                        .map(n -> ": did you mean '" + n + "'?")
                        .orElse(names().isEmpty() ? ": this file has no schedules" : ""));
          }
        }
      } else if (s.isObject()) {
        schedule = schedule(Optional.empty(), s, pointer + "/schedule");
      }
      Optional<Path> stop = playbook(c, pointer, "stop");
      Optional<Path> start = playbook(c, pointer, "start");
      if (schedule.isEmpty() || !c.path("region").isTextual()) {
        return Optional.empty();
      }
      return Optional.of(
          new Fleet.Cluster(
              name,
              c.path("region").asText(),
              text(c.path("roleArn")),
              schedule.get(),
              c.path("minNodes").canConvertToInt()
                  ? Optional.of(c.path("minNodes").asInt())
                  : Optional.empty(),
              stop,
              start,
              c.path("force").asBoolean(false)));
    }

    private Set<String> names() {
      Set<String> names = new TreeSet<>();
      tree.root().path("schedules").fieldNames().forEachRemaining(names::add);
      return names;
    }

    private static boolean validName(String name) {
      return name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63;
    }

    private Optional<Path> playbook(JsonNode c, String pointer, String which) {
      JsonNode p = c.path("playbooks").path(which);
      if (!p.isTextual() || p.asText().isEmpty()) {
        return Optional.empty();
      }
      Path dir = path.toAbsolutePath().getParent();
      Path resolved = dir.resolve(p.asText()).normalize();
      if (!Files.isRegularFile(resolved)) {
        problem(
            pointer + "/playbooks/" + which,
            "no such playbook file '" + p.asText() + "' (paths are relative to the fleet file)");
      }
      return Optional.of(resolved);
    }

    private Optional<Schedule> schedule(Optional<String> name, JsonNode s, String pointer) {
      if (!s.isObject()) {
        return Optional.empty();
      }
      int before = problems.size();
      Optional<ZoneId> zone = zone(s.path("timeZone"), pointer + "/timeZone");
      List<Window> windows = new ArrayList<>();
      JsonNode awake = s.path("awake");
      for (int i = 0; i < awake.size(); i++) {
        window(awake.get(i), pointer + "/awake/" + i).ifPresent(windows::add);
      }
      Optional<PublicHolidays> calendar = Optional.empty();
      JsonNode code = s.path("holidays").path("calendar");
      if (code.isTextual() && code.asText().matches("[A-Z]{2}(-[A-Z0-9]{1,3})?")) {
        calendar = calendar(code.asText(), pointer + "/holidays/calendar");
      }
      Set<LocalDate> dates = new TreeSet<>();
      JsonNode list = s.path("holidays").path("dates");
      for (int i = 0; i < list.size(); i++) {
        String text = list.get(i).asText("");
        if (text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
          try {
            dates.add(LocalDate.parse(text));
          } catch (DateTimeException e) {
            problem(
                pointer + "/holidays/dates/" + i, "'" + text + "' is not a date of the calendar");
          }
        }
      }
      if (zone.isEmpty() || problems.size() > before) {
        return Optional.empty();
      }
      return Optional.of(new Schedule(name, zone.get(), windows, calendar, dates));
    }

    private Optional<ZoneId> zone(JsonNode node, String pointer) {
      if (!node.isTextual() || node.asText().isEmpty()) {
        return Optional.empty();
      }
      String id = node.asText();
      if (ZoneId.getAvailableZoneIds().contains(id)) {
        return Optional.of(ZoneId.of(id));
      }
      problem(
          pointer,
          "unknown time zone '"
              + id
              + "'"
              + Suggestions.closest(id, ZoneId.getAvailableZoneIds())
                  .map(z -> ": did you mean '" + z + "'?")
                  .orElse(": use an IANA name such as Europe/Berlin, America/New_York or UTC"));
      return Optional.empty();
    }

    private Optional<Window> window(JsonNode w, String pointer) {
      Optional<Set<DayOfWeek>> days = Days.parse(w.path("days").asText(""));
      Optional<LocalTime> from = clock(w.path("from").asText(""));
      String toText = w.path("to").asText("");
      Optional<LocalTime> to = clock(toText);
      if (days.isEmpty() || from.isEmpty() || (to.isEmpty() && !"24:00".equals(toText))) {
        return Optional.empty(); // reported by the schema
      }
      if (from.equals(to)) {
        problem(
            pointer + "/to",
            "from and to are both "
                + toText
                + ": an empty window; for a whole day write from: \"00:00\", to: \"24:00\"");
        return Optional.empty();
      }
      return Optional.of(new Window(days.get(), from.get(), to.orElse(null)));
    }

    private static Optional<LocalTime> clock(String text) {
      if (!text.matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
        return Optional.empty();
      }
      return Optional.of(LocalTime.parse(text));
    }

    private Optional<PublicHolidays> calendar(String code, String pointer) {
      try {
        return Optional.of(calendars.computeIfAbsent(code, PublicHolidays::of));
      } catch (IllegalArgumentException e) {
        problem(pointer, e.getMessage());
        return Optional.empty();
      }
    }

    private static Optional<String> text(JsonNode node) {
      return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<Fleet.UrlSource> urlSource(JsonNode from) {
      if (!from.isObject()) {
        return Optional.empty();
      }
      JsonNode secret = from.path("secretKeyRef");
      return Optional.of(
          new Fleet.UrlSource(
              text(from.path("env")), text(secret.path("name")), text(secret.path("key"))));
    }

    private void problem(String pointer, String message) {
      problems.add(
          Problem.at(file, tree.valueAt(pointer), SchemaCheck.describePath(pointer) + message));
    }
  }
}
