package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's GetProducts: filters, pagination, validation and its three Regions. */
class PricingApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PricingApi api = new PricingApi();

  private JsonNode call(String body) {
    return api.execute("GetProducts", body.getBytes(StandardCharsets.UTF_8));
  }

  private static String filters(String... pairs) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < pairs.length; i += 2) {
      b.append(i == 0 ? "" : ",")
          .append("{\"Type\":\"TERM_MATCH\",\"Field\":\"")
          .append(pairs[i])
          .append("\",\"Value\":\"")
          .append(pairs[i + 1])
          .append("\"}");
    }
    return b.append(']').toString();
  }

  private static List<String> prices(JsonNode page) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode item : page.path("PriceList")) {
      JsonNode p = JSON.readTree(item.asText());
      p.path("terms")
          .path("OnDemand")
          .forEach(
              t ->
                  t.path("priceDimensions")
                      .forEach(d -> out.add(d.path("pricePerUnit").path("USD").asText())));
    }
    return out;
  }

  @Test
  void theLinuxOnDemandSharedFiltersFindExactlyOnePrice() throws Exception {
    JsonNode page =
        call(
            "{\"ServiceCode\":\"AmazonEC2\",\"Filters\":"
                + filters(
                    "instanceType", "m5.large",
                    "regionCode", "eu-west-1",
                    "operatingSystem", "Linux",
                    "tenancy", "Shared",
                    "preInstalledSw", "NA",
                    "capacitystatus", "Used")
                + "}");
    assertEquals(List.of("0.1070000000"), prices(page));
    // Too loose a filter also finds Windows, dedicated tenancy and unused reservations.
    JsonNode loose =
        call(
            "{\"ServiceCode\":\"AmazonEC2\",\"Filters\":"
                + filters("instanceType", "m5.large", "regionCode", "eu-west-1")
                + "}");
    assertEquals(4, loose.path("PriceList").size());
  }

  @Test
  void pagesWithNextToken() {
    JsonNode first =
        call(
            "{\"ServiceCode\":\"AmazonEC2\",\"MaxResults\":3,\"Filters\":"
                + filters("regionCode", "us-east-1")
                + "}");
    assertEquals(3, first.path("PriceList").size());
    int total = 3;
    String token = first.path("NextToken").asText();
    while (!token.isEmpty()) {
      JsonNode next =
          call(
              "{\"ServiceCode\":\"AmazonEC2\",\"MaxResults\":3,\"NextToken\":\""
                  + token
                  + "\",\"Filters\":"
                  + filters("regionCode", "us-east-1")
                  + "}");
      total += next.path("PriceList").size();
      token = next.path("NextToken").asText("");
    }
    assertEquals(PricingApi.LINUX_ON_DEMAND.get("us-east-1").size() * 4, total);
  }

  @Test
  void validatesAsTheModelSays() {
    assertEquals("ValidationException", assertThrows(AwsError.class, () -> call("{}")).code());
    assertEquals(
        "ValidationException",
        assertThrows(
                AwsError.class, () -> call("{\"ServiceCode\":\"AmazonEC2\",\"MaxResults\":101}"))
            .code());
    AwsError badType =
        assertThrows(
            AwsError.class,
            () ->
                call(
                    "{\"ServiceCode\":\"AmazonEC2\",\"Filters\":[{\"Type\":\"FUZZY\","
                        + "\"Field\":\"instanceType\",\"Value\":\"m5.large\"}]}"));
    assertTrue(badType.getMessage().contains("TERM_MATCH"), badType.getMessage());
    assertEquals(0, call("{\"ServiceCode\":\"AmazonS3\"}").path("PriceList").size());
  }

  @Test
  void isServedInThreeRegionsOnly() {
    PricingApi.checkRegion("us-east-1");
    PricingApi.checkRegion("ap-south-1");
    AwsError e = assertThrows(AwsError.class, () -> PricingApi.checkRegion("eu-west-1"));
    assertTrue(e.getMessage().contains("us-east-1, eu-central-1 and ap-south-1"), e.getMessage());
  }
}
