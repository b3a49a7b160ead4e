package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet validate} and {@code fleet plan} as a user runs them. */
class FleetCommandTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path EXAMPLE = ROOT.resolve("examples/fleets/non-prod.yaml");

  @TempDir Path dir;

  private Cli cli() {
    return new Cli(dir.resolve("state"));
  }

  @Test
  void theExampleFleetIsValid() {
    Cli.Result r = cli().run("fleet", "validate", EXAMPLE.toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(EXAMPLE + ": valid (2 clusters, 1 schedule)\n", r.out());
  }

  @Test
  void aBrokenFleetGivesEveryProblemAtItsLineSortedAndExit2() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.copy(Path.of("src/test/resources/broken-fleet.yaml"), file);
    Cli.Result r = cli().run("fleet", "validate", file.toString());
    assertEquals(2, r.code(), r.toString());
    String f = file.toString();
    List<String> expected =
        List.of(
            f
                + ":3:18: metadata.name: 'Non_Prod' is not a DNS-1123 label: use lower-case"
                + " letters, digits and '-', at most 63",
            f
                + ":6:15: schedules.office-hours.timeZone: unknown time zone 'Europe/Berln': did"
                + " you mean 'Europe/Berlin'?",
            f
                + ":8:16: schedules.office-hours.awake[0].days: 'Mon-Fry' is not days: write Mon,"
                + " Tue, Wed, Thu, Fri, Sat or Sun, ranges such as Mon-Fri or Fri-Mon, lists such"
                + " as Sat,Sun",
            f
                + ":9:27: schedules.office-hours.awake[1].from: '25:00' is not a time: write HH:MM,"
                + " 00:00 to 23:59",
            f
                + ":10:40: schedules.office-hours.awake[2].to: from and to are both 10:00: an empty"
                + " window; for a whole day write from: \"00:00\", to: \"24:00\"",
            f
                + ":12:17: schedules.office-hours.holidays.calendar: unknown calendar 'DE-XX':"
                + " Germany's subdivisions are DE-BB, DE-BE, DE-BW, DE-BY, DE-HB, DE-HE, DE-HH,"
                + " DE-MV, DE-NI, DE-NW, DE-RP, DE-SH, DE-SL, DE-SN, DE-ST, DE-TH",
            f
                + ":13:15: schedules.office-hours.holidays.dates[0]: '2026-02-30' is not a date of"
                + " the calendar",
            f
                + ":13:29: schedules.office-hours.holidays.dates[1]: '2026-13' is not a date: write"
                + " YYYY-MM-DD",
            f
                + ":14:3: schedules: 'Bad_Name' is not a valid schedule name: use lower-case"
                + " letters, digits and '-', at most 63",
            f
                + ":20:26: schedules.us.holidays.calendar: unknown calendar 'ZZ': no public"
                + " holidays are known for a country ZZ (ISO 3166-1 alpha-2; see docs/fleet.md"
                + " for the countries)",
            f + ":21:3: duplicate key 'office-hours' (first at line 5)",
            f
                + ":25:46: clusters[0].schedule: unknown schedule 'office-hour': did you mean"
                + " 'office-hours'?",
            f + ":26:12: clusters[1].name: cluster 'dev' is named twice (first at line 25)",
            f + ":26:50: clusters[1]: unknown key 'colour'",
            f + ":27:45: clusters[2].schedule: unknown schedule 'nowhere'",
            f
                + ":27:72: clusters[2].playbooks.stop: no such playbook file 'missing.yaml' (paths"
                + " are relative to the fleet file)",
            f + ":28:24: clusters[3].region: 'Frankfurt' is not an AWS Region such as eu-west-1",
            f
                + ":28:56: clusters[3].schedule.timeZone: unknown time zone 'Mars/Olympus': use an"
                + " IANA name such as Europe/Berlin, America/New_York or UTC",
            f
                + ":28:96: clusters[3].schedule.awake[0].from: '7:00' is not a time: write HH:MM,"
                + " 00:00 to 23:59");
    assertEquals(expected, r.out().lines().toList());
    assertEquals("19 problems\n", r.err());
    // plan reads the file the same way: the problems, on stderr, exit 2.
    Cli.Result plan = cli().run("fleet", "plan", file.toString());
    assertEquals(2, plan.code(), plan.toString());
    assertEquals(expected, plan.err().lines().limit(expected.size()).toList());
  }

  @Test
  void planPrintsEachClusterInFileOrderWithItsNextChangeAsJsonLines() throws Exception {
    Cli.Result r =
        cli()
            .run(
                "fleet",
                "plan",
                EXAMPLE.toString(),
                "--at",
                "2026-12-23T19:30:00+01:00",
                "--output",
                "json");
    assertEquals(0, r.code(), r.toString());
    ObjectMapper json = new ObjectMapper();
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    JsonNode dev = json.readTree(lines.get(0));
    assertEquals("dev", dev.path("cluster").asText());
    assertEquals("asleep", dev.path("desired").asText());
    // The 24th is a date of the file, the 25th and 26th Bavarian holidays, the 27th a Sunday.
    assertEquals("2026-12-28T06:00:00Z", dev.path("next").path("at").asText());
    assertEquals("awake", dev.path("next").path("desired").asText());
    JsonNode qa = json.readTree(lines.get(1));
    assertEquals("qa", qa.path("cluster").asText());
    // 13:30 in New York: inside 08:00-20:00.
    assertEquals("awake", qa.path("desired").asText());
    assertEquals("2026-12-24T01:00:00Z", qa.path("next").path("at").asText());
    assertEquals("asleep", qa.path("next").path("desired").asText());
    assertEquals("2026-12-23T18:30:00Z", qa.path("at").asText());
  }

  @Test
  void planTellsTheNextChangeInTheClustersOwnTimeZoneToo() {
    Cli.Result r = cli().run("fleet", "plan", EXAMPLE.toString(), "--at", "2026-12-23T18:30:00Z");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("2026-12-28T06:00:00Z awake (Mon 2026-12-28 07:00 CET)"), r.out());
    assertTrue(r.out().contains("2026-12-24T01:00:00Z asleep (Wed 2026-12-23 20:00 EST)"), r.out());
  }

  @Test
  void anInstantWithoutOffsetIsRefusedAsAmbiguous() {
    Cli.Result r = cli().run("fleet", "plan", EXAMPLE.toString(), "--at", "2026-12-21T07:00");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("a local time is ambiguous"), r.err());
    assertTrue(!r.err().contains("Exception"), r.err());
  }

  @Test
  void aMissingFleetFileIsAProblemNotAStackTrace() {
    Cli.Result r = cli().run("fleet", "validate", dir.resolve("none.yaml").toString());
    assertEquals(2, r.code(), r.toString());
    assertEquals(dir.resolve("none.yaml") + ":1:1: no such file\n", r.out());
  }
}
