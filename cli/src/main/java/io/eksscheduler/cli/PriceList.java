package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * EC2 list prices from the AWS Price List Query API's {@code GetProducts}: Linux, on-demand, shared
 * tenancy, no pre-installed software, capacity status Used, in the cluster's region, USD per hour.
 * The API is served in us-east-1, eu-central-1 and ap-south-1 only, so the client is pinned to one
 * of them whatever the cluster's region.
 *
 * <p>The AWS SDK's own {@code pricing} client module is not among the artifacts this project can
 * resolve, so the call is made with the SDK's parts: its SigV4 signer, its HTTP client and its
 * standard retry strategy (throttling and 5xx retried, bounded), on the service's awsJson1_1
 * protocol. Answers are cached for the life of the object.
 */
final class PriceList {
  /** Where the API has endpoints (AWS Billing and Cost Management User Guide). */
  static final Set<String> REGIONS = Set.of("us-east-1", "eu-central-1", "ap-south-1");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  /** A price could not be read; the message says why, for a person. */
  static final class PriceListException extends Exception {
    PriceListException(String message) {
      super(message);
    }
  }

  private final AwsCredentialsProvider credentials;
  private final String apiRegion;
  private final URI endpoint;
  private final String runner;
  private final SdkHttpClient http;
  private final RetryStrategy retries;
  private final Map<String, Optional<BigDecimal>> cache = new HashMap<>();

  PriceList(
      AwsCredentialsProvider credentials,
      String apiRegion,
      Map<String, String> env,
      String runner) {
    if (!REGIONS.contains(apiRegion)) {
      throw new IllegalArgumentException(
          "the Price List API is served in " + new TreeSet<>(REGIONS) + " only, not " + apiRegion);
    }
    this.credentials = credentials;
    this.apiRegion = apiRegion;
    this.endpoint = endpoint(env, apiRegion);
    this.runner = runner;
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(CALL_TIMEOUT)
            .build();
    this.retries =
        DefaultRetryStrategy.standardStrategyBuilder()
            .maxAttempts(4)
            .retryOnException(e -> e instanceof Retryable)
            .build();
  }

  /**
   * The endpoint every AWS SDK would use: {@code AWS_ENDPOINT_URL_PRICING}, else {@code
   * AWS_ENDPOINT_URL}, else the API's own in {@code region}.
   */
  static URI endpoint(Map<String, String> env, String region) {
    for (String name : new String[] {"AWS_ENDPOINT_URL_PRICING", "AWS_ENDPOINT_URL"}) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return URI.create(value.trim());
      }
    }
    return URI.create("https://api.pricing." + region + ".amazonaws.com");
  }

  String apiRegion() {
    return apiRegion;
  }

  /**
   * The Linux on-demand price of {@code instanceType} in {@code region}, USD per hour; empty when
   * the price list has none.
   */
  synchronized Optional<BigDecimal> linuxOnDemand(String region, String instanceType)
      throws PriceListException, InterruptedException {
    String key = region + "/" + instanceType;
    Optional<BigDecimal> known = cache.get(key);
    if (known != null) {
      return known;
    }
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("instanceType", instanceType);
    filters.put("regionCode", region);
    filters.put("operatingSystem", "Linux");
    filters.put("tenancy", "Shared");
    filters.put("preInstalledSw", "NA");
    filters.put("capacitystatus", "Used");
    Set<BigDecimal> prices = new TreeSet<>();
    String token = null;
    do {
      JsonNode page = getProducts(filters, token);
      for (JsonNode item : page.path("PriceList")) {
        try {
          prices.addAll(onDemandHourly(item.isTextual() ? JSON.readTree(item.asText()) : item));
        } catch (IOException e) {
          throw new PriceListException("GetProducts answered a price item that is not JSON");
        }
      }
      token = page.path("NextToken").asText(null);
    } while (token != null && !token.isEmpty());
    if (prices.size() > 1) {
      throw new PriceListException(
          "the price list has "
              + prices.size()
              + " Linux on-demand prices for "
              + instanceType
              + " in "
              + region
              + " ("
              + prices
              + "); set one in the fleet file's prices");
    }
    Optional<BigDecimal> price = prices.stream().findFirst();
    cache.put(key, price);
    return price;
  }

  /** The hourly USD prices of a price item's on-demand terms. */
  static List<BigDecimal> onDemandHourly(JsonNode item) {
    List<BigDecimal> out = new java.util.ArrayList<>();
    for (JsonNode term : item.path("terms").path("OnDemand")) {
      for (JsonNode dimension : term.path("priceDimensions")) {
        String usd = dimension.path("pricePerUnit").path("USD").asText("");
        if ("Hrs".equals(dimension.path("unit").asText()) && !usd.isEmpty()) {
          out.add(new BigDecimal(usd).stripTrailingZeros());
        }
      }
    }
    return out;
  }

  private JsonNode getProducts(Map<String, String> filters, String nextToken)
      throws PriceListException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("ServiceCode", "AmazonEC2");
    ArrayNode list = body.putArray("Filters");
    filters.forEach(
        (field, value) ->
            list.addObject().put("Type", "TERM_MATCH").put("Field", field).put("Value", value));
    body.put("FormatVersion", "aws_v1");
    body.put("MaxResults", 100);
    if (nextToken != null) {
      body.put("NextToken", nextToken);
    }
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    RetryToken token =
        retries.acquireInitialToken(AcquireInitialTokenRequest.create("pricing")).token();
    while (true) {
      try {
        JsonNode answer = call(payload);
        retries.recordSuccess(
            software.amazon.awssdk.retries.api.RecordSuccessRequest.create(token));
        return answer;
      } catch (Retryable e) {
        try {
          var next =
              retries.refreshRetryToken(
                  RefreshRetryTokenRequest.builder().token(token).failure(e).build());
          token = next.token();
          Thread.sleep(next.delay().toMillis());
        } catch (TokenAcquisitionFailedException out) {
          throw new PriceListException("GetProducts failed after retries: " + e.getMessage());
        }
      }
    }
  }

  /** A failure worth another attempt: throttling, a 5xx, a connection problem. */
  private static final class Retryable extends RuntimeException {
    Retryable(String message) {
      super(message, null, false, false);
    }
  }

  private JsonNode call(byte[] payload) throws PriceListException {
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint)
            .encodedPath("/")
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", "AWSPriceListService.GetProducts")
            .putHeader("User-Agent", "aws-sdk-java/pricing " + runner)
            .build();
    SignedRequest signed;
    try {
      signed =
          AwsV4HttpSigner.create()
              .sign(
                  r ->
                      r.identity(credentials.resolveCredentials())
                          .request(request)
                          .payload(ContentStreamProvider.fromByteArray(payload))
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "pricing")
                          .putProperty(AwsV4HttpSigner.REGION_NAME, apiRegion));
    } catch (RuntimeException e) {
      throw new PriceListException("no AWS credentials to sign GetProducts: " + e.getMessage());
    }
    HttpExecuteResponse response;
    byte[] bytes;
    try {
      response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      try (InputStream in = response.responseBody().map(s -> (InputStream) s).orElse(null)) {
        bytes = in == null ? new byte[0] : in.readAllBytes();
      }
    } catch (IOException e) {
      throw new Retryable("GetProducts at " + endpoint + ": " + e.getMessage());
    }
    int status = response.httpResponse().statusCode();
    JsonNode answer;
    try {
      answer = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    } catch (IOException e) {
      answer = JSON.createObjectNode();
    }
    if (status == 200) {
      return answer;
    }
    String type =
        response
            .httpResponse()
            .firstMatchingHeader("x-amzn-ErrorType")
            .orElse(answer.path("__type").asText("HTTP " + status));
    type = type.contains("#") ? type.substring(type.indexOf('#') + 1) : type;
    type = type.contains(":") ? type.substring(0, type.indexOf(':')) : type;
    String message =
        "pricing:GetProducts: "
            + type
            + ": "
            + answer.path("message").asText(answer.path("Message").asText(""));
    if (status >= 500 || status == 429 || type.contains("Throttling")) {
      throw new Retryable(message);
    }
    throw new PriceListException(message);
  }
}
