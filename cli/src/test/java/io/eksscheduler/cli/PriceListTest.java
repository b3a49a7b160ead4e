package io.eksscheduler.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The Price List client at the HTTP level, against WireMock: the awsJson1_1 request, its SigV4
 * scope, the filters, pagination, retries and errors. The simulator serves it in the fleet ITs.
 */
class PriceListTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static WireMockServer server;

  @BeforeAll
  static void startServer() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
  }

  private PriceList client(String region) {
    return new PriceList(
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
        region,
        Map.of("AWS_ENDPOINT_URL", server.baseUrl()),
        "eks-scheduler/test");
  }

  /** A price item as the service returns it: a JSON document in a string. */
  private static String item(String type, String usd) {
    ObjectNode p = JSON.createObjectNode();
    p.putObject("product").putObject("attributes").put("instanceType", type);
    ObjectNode dim =
        p.putObject("terms")
            .putObject("OnDemand")
            .putObject("SKU.JRTCKXETXF")
            .putObject("priceDimensions")
            .putObject("SKU.JRTCKXETXF.6YS6EN2CT7");
    dim.put("unit", "Hrs").putObject("pricePerUnit").put("USD", usd);
    return p.toString();
  }

  private static String page(String nextToken, String... items) {
    ObjectNode o = JSON.createObjectNode().put("FormatVersion", "aws_v1");
    var list = o.putArray("PriceList");
    for (String i : items) {
      list.add(i);
    }
    if (nextToken != null) {
      o.put("NextToken", nextToken);
    }
    return o.toString();
  }

  @Test
  void asksForLinuxOnDemandSharedTenancyInTheClustersRegionSignedForThePinnedOne()
      throws Exception {
    server.stubFor(
        post(urlEqualTo("/"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(page(null, item("m5.large", "0.1070000000")))));
    PriceList prices = client("eu-central-1");
    assertEquals(
        Optional.of(new BigDecimal("0.107")), prices.linuxOnDemand("eu-west-1", "m5.large"));
    // Cached: a second question asks nothing.
    prices.linuxOnDemand("eu-west-1", "m5.large");
    server.verify(
        1,
        postRequestedFor(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("AWSPriceListService.GetProducts"))
            .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
            .withHeader(
                "Authorization",
                matching(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-central-1/pricing/aws4_request,.*"))
            .withRequestBody(
                equalToJson(
                    """
                    {"ServiceCode": "AmazonEC2", "FormatVersion": "aws_v1", "MaxResults": 100,
                     "Filters": [
                       {"Type": "TERM_MATCH", "Field": "instanceType", "Value": "m5.large"},
                       {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"},
                       {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Linux"},
                       {"Type": "TERM_MATCH", "Field": "tenancy", "Value": "Shared"},
                       {"Type": "TERM_MATCH", "Field": "preInstalledSw", "Value": "NA"},
                       {"Type": "TERM_MATCH", "Field": "capacitystatus", "Value": "Used"}]}
                    """)));
  }

  @Test
  void followsNextTokenAndRefusesTwoDifferentPrices() throws Exception {
    server.stubFor(
        post(urlEqualTo("/"))
            .withRequestBody(containing("NextToken"))
            .willReturn(aResponse().withStatus(200).withBody(page(null, item("m5.large", "0.2")))));
    server.stubFor(
        post(urlEqualTo("/"))
            .withRequestBody(matching("^((?!NextToken).)*$"))
            .willReturn(
                aResponse().withStatus(200).withBody(page("t1", item("m5.large", "0.107")))));
    PriceList.PriceListException e =
        assertThrows(
            PriceList.PriceListException.class,
            () -> client("us-east-1").linuxOnDemand("eu-west-1", "m5.large"));
    assertTrue(e.getMessage().contains("2 Linux on-demand prices"), e.getMessage());
    server.verify(2, postRequestedFor(urlEqualTo("/")));
  }

  @Test
  void retriesThrottlingThenAnswers() throws Exception {
    server.stubFor(
        post(urlEqualTo("/"))
            .inScenario("throttled")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("x-amzn-ErrorType", "ThrottlingException")
                    .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"))
            .willSetStateTo("ok"));
    server.stubFor(
        post(urlEqualTo("/"))
            .inScenario("throttled")
            .whenScenarioStateIs("ok")
            .willReturn(
                aResponse().withStatus(200).withBody(page(null, item("t3.medium", "0.0416")))));
    assertEquals(
        Optional.of(new BigDecimal("0.0416")),
        client("us-east-1").linuxOnDemand("us-east-1", "t3.medium"));
    server.verify(2, postRequestedFor(urlEqualTo("/")));
  }

  @Test
  void anAccessDeniedIsSaidOnceNotRetriedAndNoPriceIsEmpty() throws Exception {
    server.stubFor(
        post(urlEqualTo("/"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("x-amzn-ErrorType", "AccessDeniedException")
                    .withBody(
                        "{\"message\":\"User is not authorized to perform: pricing:GetProducts\"}")));
    PriceList.PriceListException e =
        assertThrows(
            PriceList.PriceListException.class,
            () -> client("us-east-1").linuxOnDemand("us-east-1", "m5.large"));
    assertEquals(
        "pricing:GetProducts: AccessDeniedException: User is not authorized to perform:"
            + " pricing:GetProducts",
        e.getMessage());
    server.verify(1, postRequestedFor(urlEqualTo("/")));
    server.resetAll();
    server.stubFor(
        post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withBody(page(null))));
    assertEquals(Optional.empty(), client("us-east-1").linuxOnDemand("us-east-1", "x9.huge"));
  }

  @Test
  void isPinnedToARegionWhereTheApiIsServed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client("eu-west-1"));
    assertTrue(e.getMessage().contains("eu-west-1"), e.getMessage());
  }
}
