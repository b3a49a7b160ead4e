package io.eksscheduler.actions.originals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.originals.Originals.Original;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginalsTest {

  @Test
  void replicasAreWrittenAsSmallVersionedJson() {
    assertEquals(
        "{\"v\":1,\"run\":\"r-1\",\"replicas\":3}",
        Originals.format(Original.ofReplicas("r-1", 3)));
  }

  @Test
  void suspendIsWrittenAsSmallVersionedJson() {
    assertEquals(
        "{\"v\":1,\"run\":\"r-1\",\"suspend\":false}",
        Originals.format(Original.ofSuspend("r-1", false)));
  }

  @Test
  void whatIsWrittenReadsBack() {
    Original o = Original.ofSuspend("r-2", true);
    assertEquals(Optional.of(o), Originals.parse(Originals.format(o)));
  }

  @Test
  void noAnnotationIsNoOriginal() {
    assertEquals(Optional.empty(), Originals.parse(null));
  }

  @Test
  void fieldsAddedByANewerMinorReleaseAreIgnored() {
    assertEquals(
        Optional.of(Original.ofReplicas("r", 2)),
        Originals.parse("{\"v\":1,\"run\":\"r\",\"replicas\":2,\"hpa\":\"x\"}"));
  }

  @Test
  void anotherVersionIsRefusedNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Originals.parse("{\"v\":2,\"run\":\"r\",\"replicas\":2}"));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void textThatIsNotJsonIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Originals.parse("3"));
    assertTrue(e.getMessage().contains("not a versioned original"), e.getMessage());
  }

  @Test
  void theSleepPatchSetsTheAnnotationAndTheReplicasTogether() throws Exception {
    var patch =
        new ObjectMapper().readTree(Originals.sleepPatch(Original.ofReplicas("r", 3), "42"));
    assertEquals("42", patch.at("/metadata/resourceVersion").asText());
    assertEquals(
        "{\"v\":1,\"run\":\"r\",\"replicas\":3}",
        patch.at("/metadata/annotations").get(Originals.ANNOTATION).asText());
    assertEquals(0, patch.at("/spec/replicas").asInt());
    assertEquals(1, patch.get("spec").size());
  }

  @Test
  void theSleepPatchOfACronJobSuspendsIt() throws Exception {
    var patch =
        new ObjectMapper().readTree(Originals.sleepPatch(Original.ofSuspend("r", true), null));
    assertTrue(patch.at("/spec/suspend").asBoolean());
    assertTrue(patch.at("/metadata/resourceVersion").isMissingNode());
  }
}
