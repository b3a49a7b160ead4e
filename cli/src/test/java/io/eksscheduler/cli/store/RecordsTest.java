package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordsTest {
  @Test
  void smallRecordsStayAsTheyAre() throws Exception {
    byte[] raw = "{\"seq\":1}".getBytes(StandardCharsets.UTF_8);
    Map.Entry<String, byte[]> e = Records.encode("e.0000000001.json", raw);
    assertEquals("e.0000000001.json", e.getKey());
    assertArrayEquals(raw, e.getValue());
  }

  @Test
  void largeCompressibleRecordsAreGzippedAndComeBackTheSame() throws Exception {
    byte[] raw = "{\"k\":\"value\"},".repeat(500).getBytes(StandardCharsets.UTF_8);
    Map.Entry<String, byte[]> e = Records.encode("created.json", raw);
    assertEquals("created.json.gz", e.getKey());
    assertTrue(e.getValue().length < raw.length / 10);
    assertArrayEquals(raw, Records.decode(e.getKey(), e.getValue()));
    assertEquals("created.json", Records.plainKey(e.getKey()));
  }

  @Test
  void incompressibleRecordsAreNotGzipped() throws Exception {
    byte[] raw = new byte[4096];
    new Random(1).nextBytes(raw);
    assertEquals("x.bin", Records.encode("x.bin", raw).getKey());
  }

  @Test
  void aChunkKeepsEveryRecordAndItsKey() throws Exception {
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("e.0000000001.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    records.put("created.json.gz", Records.gzip("{\"b\":2}".getBytes(StandardCharsets.UTF_8)));
    Map<String, byte[]> back = Records.unchunk(Records.chunk(records));
    assertEquals(records.keySet(), back.keySet());
    for (String k : records.keySet()) {
      assertArrayEquals(records.get(k), back.get(k), k);
    }
  }

  @Test
  void keysSortAndParseBack() {
    assertEquals("e.0000000042.json", Records.eventKey(42));
    assertEquals(42, Records.seqOf("e.0000000042.json"));
    assertEquals(-1, Records.seqOf("created.json"));
    assertEquals(3, Records.generationOf(Records.playbookKey(3)));
  }
}
