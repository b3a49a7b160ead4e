package io.eksscheduler.sandbox.aws;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request that passed signature verification: who sent it, to which service, and what. */
public record AwsRequest(
    String method,
    String rawPath,
    String rawQuery,
    byte[] body,
    AwsIdentity caller,
    String service,
    String region) {

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The query string's parameters, decoded, each with its values in order. */
  public Map<String, List<String>> query() {
    return FormParameters.parseMulti(rawQuery);
  }

  /** Form parameters of an awsquery body (or of the query string for a GET). */
  public Map<String, String> form() {
    Map<String, String> out = new LinkedHashMap<>(FormParameters.parse(rawQuery));
    out.putAll(FormParameters.parse(bodyText()));
    return out;
  }
}
