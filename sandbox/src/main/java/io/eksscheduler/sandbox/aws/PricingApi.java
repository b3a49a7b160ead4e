package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The AWS Price List Query API's {@code GetProducts} for the EC2 instance types the sandbox knows
 * (awsJson1_1, target {@code AWSPriceListService.GetProducts}; shapes and limits from botocore's
 * {@code pricing/2017-10-15/service-2.json}: ServiceCode required, FormatVersion {@code aws_v1},
 * MaxResults 1-100, Filter types TERM_MATCH, EQUALS, CONTAINS, ANY_OF, NONE_OF). Each price item is
 * a JSON document in a string, as the service returns it: {@code product.attributes} and {@code
 * terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD}.
 *
 * <p>The service has endpoints in us-east-1, eu-central-1 and ap-south-1 only ("Price List Query
 * API endpoints", AWS Billing and Cost Management User Guide); another region has no endpoint at
 * all, and the simulator refuses a request signed for one.
 *
 * <p>Besides the Linux on-demand shared-tenancy product a cost estimate wants, each type also has
 * the products a too loose filter would catch (Windows, dedicated tenancy, an unused capacity
 * reservation), so that a client's filters are tested.
 */
final class PricingApi {
  static final Set<String> OPERATIONS = Set.of("GetProducts");
  static final Set<String> REGIONS = Set.of("us-east-1", "eu-central-1", "ap-south-1");
  static final String TARGET_PREFIX = "AWSPriceListService.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FILTER_TYPES =
      Set.of("TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF");

  /** A region's name in the price list's {@code location} attribute. */
  private static final Map<String, String> LOCATIONS =
      Map.of(
          "us-east-1", "US East (N. Virginia)",
          "eu-west-1", "EU (Ireland)",
          "eu-central-1", "EU (Frankfurt)");

  /**
   * Linux on-demand USD per hour, as the EC2 On-Demand pricing page lists them
   * (aws.amazon.com/ec2/pricing/on-demand/); the simulator's copy, for tests, not a price source.
   */
  static final Map<String, Map<String, String>> LINUX_ON_DEMAND =
      Map.of(
          "us-east-1",
          Map.of(
              "t3.medium", "0.0416",
              "t3.large", "0.0832",
              "t3.xlarge", "0.1664",
              "m5.large", "0.096",
              "m5.xlarge", "0.192",
              "m5.2xlarge", "0.384",
              "c5.large", "0.085",
              "c5.xlarge", "0.17",
              "r5.large", "0.126"),
          "eu-west-1",
          Map.of(
              "t3.medium", "0.0456",
              "t3.large", "0.0912",
              "t3.xlarge", "0.1824",
              "m5.large", "0.107",
              "m5.xlarge", "0.214",
              "m5.2xlarge", "0.428",
              "c5.large", "0.096",
              "c5.xlarge", "0.192",
              "r5.large", "0.141"),
          "eu-central-1",
          Map.of(
              "t3.medium", "0.048",
              "t3.large", "0.096",
              "m5.large", "0.115",
              "m5.xlarge", "0.23",
              "c5.large", "0.097",
              "c5.xlarge", "0.194"));

  private final List<ObjectNode> products = new ArrayList<>();

  PricingApi() {
    for (Map.Entry<String, Map<String, String>> region : LINUX_ON_DEMAND.entrySet()) {
      for (Map.Entry<String, String> type : region.getValue().entrySet()) {
        BigDecimal linux = new BigDecimal(type.getValue());
        products.add(product(region.getKey(), type.getKey(), "Linux", "Shared", "Used", linux));
        // Windows costs more, dedicated tenancy about a tenth more; an unused reservation is
        // billed at the same rate but is not what a running node costs.
        products.add(
            product(
                region.getKey(),
                type.getKey(),
                "Windows",
                "Shared",
                "Used",
                linux.add(new BigDecimal("0.092"))));
        products.add(
            product(
                region.getKey(),
                type.getKey(),
                "Linux",
                "Dedicated",
                "Used",
                linux.multiply(new BigDecimal("1.1"))));
        products.add(
            product(
                region.getKey(),
                type.getKey(),
                "Linux",
                "Shared",
                "UnusedCapacityReservation",
                linux));
      }
    }
  }

  /** The operation named by an {@code X-Amz-Target} header, or "unknown". */
  static String operation(List<String> target) {
    if (target == null || target.isEmpty() || !target.get(0).startsWith(TARGET_PREFIX)) {
      return "unknown";
    }
    return target.get(0).substring(TARGET_PREFIX.length());
  }

  /** Refuses a request signed for a region where the service has no endpoint. */
  static void checkRegion(String region) {
    if (!REGIONS.contains(region)) {
      throw new AwsError(
          400,
          "UnrecognizedClientException",
          "The AWS Price List Query API has no endpoint in "
              + region
              + "; it is served only in us-east-1, eu-central-1 and ap-south-1");
    }
  }

  JsonNode execute(String operation, byte[] body) {
    if (!OPERATIONS.contains(operation)) {
      throw new AwsError(
          400, "UnknownOperationException", "Operation " + operation + " is not supported");
    }
    JsonNode in;
    try {
      in = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
    } catch (IOException e) {
      throw new AwsError(400, "SerializationException", "The request body is not JSON");
    }
    String serviceCode = in.path("ServiceCode").asText("");
    if (serviceCode.isEmpty()) {
      throw new AwsError(
          400,
          "ValidationException",
          "1 validation error detected: Value null at 'serviceCode' failed to satisfy constraint:"
              + " Member must not be null");
    }
    String format = in.path("FormatVersion").asText("aws_v1");
    if (!format.equals("aws_v1")) {
      throw new AwsError(
          400, "InvalidParameterException", "FormatVersion " + format + " is not supported");
    }
    int max = in.path("MaxResults").asInt(100);
    if (max < 1 || max > 100) {
      throw new AwsError(
          400,
          "ValidationException",
          "1 validation error detected: Value '"
              + max
              + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1"
              + " and 100");
    }
    List<JsonNode> filters = new ArrayList<>();
    in.path("Filters").forEach(filters::add);
    for (JsonNode f : filters) {
      String type = f.path("Type").asText("");
      if (!FILTER_TYPES.contains(type)) {
        throw new AwsError(
            400,
            "ValidationException",
            "1 validation error detected: Value '"
                + type
                + "' at 'filters.member.type' failed to satisfy constraint: Member must satisfy"
                + " enum value set: [TERM_MATCH, EQUALS, CONTAINS, ANY_OF, NONE_OF]");
      }
      if (f.path("Field").asText("").isEmpty() || f.path("Value").isMissingNode()) {
        throw new AwsError(
            400, "ValidationException", "A filter needs Type, Field and Value: " + f);
      }
    }
    List<ObjectNode> matching = new ArrayList<>();
    if (serviceCode.equals("AmazonEC2")) {
      for (ObjectNode p : products) {
        if (filters.stream().allMatch(f -> matches(p, f))) {
          matching.add(p);
        }
      }
    }
    int from = 0;
    String token = in.path("NextToken").asText("");
    if (!token.isEmpty()) {
      try {
        from = Integer.parseInt(token);
      } catch (NumberFormatException e) {
        throw new AwsError(400, "InvalidNextTokenException", "The pagination token is invalid");
      }
    }
    ObjectNode out = JSON.createObjectNode().put("FormatVersion", "aws_v1");
    ArrayNode list = out.putArray("PriceList");
    int to = Math.min(matching.size(), from + max);
    for (int i = from; i < to; i++) {
      list.add(matching.get(i).toString());
    }
    if (to < matching.size()) {
      out.put("NextToken", Integer.toString(to));
    }
    return out;
  }

  private static boolean matches(ObjectNode product, JsonNode filter) {
    String field = filter.path("Field").asText();
    String value = filter.path("Value").asText();
    String actual =
        field.equalsIgnoreCase("ServiceCode")
            ? product.path("serviceCode").asText()
            : product.path("product").path("attributes").path(field).asText(null);
    if (actual == null) {
      return filter.path("Type").asText().equals("NONE_OF");
    }
    String a = actual.toLowerCase(Locale.ROOT);
    List<String> values =
        Arrays.stream(value.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT)).toList();
    return switch (filter.path("Type").asText()) {
      case "TERM_MATCH", "EQUALS" -> a.equals(value.toLowerCase(Locale.ROOT));
      case "CONTAINS" -> a.contains(value.toLowerCase(Locale.ROOT));
      case "ANY_OF" -> values.contains(a);
      case "NONE_OF" -> !values.contains(a);
      default -> false;
    };
  }

  private static ObjectNode product(
      String region,
      String instanceType,
      String os,
      String tenancy,
      String capacityStatus,
      BigDecimal usdPerHour) {
    String sku =
        String.format(
            Locale.ROOT,
            "SIM%013X",
            ((long) (region + instanceType + os + tenancy + capacityStatus).hashCode())
                & 0xffffffffffL);
    String prefix =
        switch (region) {
          case "us-east-1" -> "";
          case "eu-west-1" -> "EU-";
          default -> "EUC1-";
        };
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("servicecode", "AmazonEC2");
    attributes.put("location", LOCATIONS.get(region));
    attributes.put("locationType", "AWS Region");
    attributes.put("regionCode", region);
    attributes.put("instanceType", instanceType);
    attributes.put("operatingSystem", os);
    attributes.put("tenancy", tenancy);
    attributes.put("capacitystatus", capacityStatus);
    attributes.put("preInstalledSw", "NA");
    attributes.put("licenseModel", "No License required");
    attributes.put("marketoption", "OnDemand");
    attributes.put(
        "usagetype",
        prefix + (tenancy.equals("Dedicated") ? "DedicatedUsage:" : "BoxUsage:") + instanceType);
    attributes.put("operation", os.equals("Windows") ? "RunInstances:0002" : "RunInstances");
    ObjectNode p = JSON.createObjectNode();
    ObjectNode prod = p.putObject("product");
    prod.put("productFamily", "Compute Instance");
    ObjectNode attrs = prod.putObject("attributes");
    attributes.forEach(attrs::put);
    prod.put("sku", sku);
    p.put("serviceCode", "AmazonEC2");
    String term = sku + ".JRTCKXETXF";
    String rate = term + ".6YS6EN2CT7";
    ObjectNode offer = p.putObject("terms").putObject("OnDemand").putObject(term);
    ObjectNode dimension = offer.putObject("priceDimensions").putObject(rate);
    dimension
        .put("unit", "Hrs")
        .put("endRange", "Inf")
        .put(
            "description",
            "$"
                + usdPerHour.stripTrailingZeros().toPlainString()
                + " per On Demand "
                + os
                + " "
                + instanceType
                + " Instance Hour")
        .put("rateCode", rate)
        .put("beginRange", "0");
    dimension.putArray("appliesTo");
    dimension
        .putObject("pricePerUnit")
        .put("USD", usdPerHour.setScale(10, java.math.RoundingMode.HALF_UP).toPlainString());
    offer.put("sku", sku).put("effectiveDate", "2026-11-01T00:00:00Z");
    offer.put("offerTermCode", "JRTCKXETXF");
    offer.putObject("termAttributes");
    p.put("version", "20261101000000").put("publicationDate", "2026-11-01T00:00:00Z");
    return p;
  }
}
