package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The simulator's HTTP answers: an AWS answer as its service's protocol writes it (rest-json EKS,
 * awsJson1_1 Price List, awsquery XML Auto Scaling and STS, ec2-query EC2), errors included, and
 * plain answers of the sandbox's own paths.
 */
final class AwsAnswers {
  static final String STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AwsAnswers() {}

  /** An HTTP answer prepared before it is sent. */
  record Answer(int status, String contentType, byte[] body, String requestId, String errorType) {}

  /** Whether the service speaks JSON (rest-json EKS, awsJson1_1 Price List) rather than XML. */
  static boolean json(String service) {
    return service.equals("eks") || service.equals("pricing");
  }

  static String namespace(String service) {
    return service.equals("sts") ? STS_NAMESPACE : AutoScalingApi.NAMESPACE;
  }

  /** A JSON answer of {@code contentType}. */
  static Answer json(Object body, String contentType, String requestId) {
    try {
      return new Answer(200, contentType, JSON.writeValueAsBytes(body), requestId, null);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("rendering an answer: " + e.getMessage(), e);
    }
  }

  /** An awsquery answer: {@code result} inside {@code <OperationResult>}. */
  static Answer query(String service, String operation, String result, String requestId) {
    return new Answer(
        200,
        "text/xml",
        Xml.response(namespace(service), operation, result, requestId)
            .getBytes(StandardCharsets.UTF_8),
        requestId,
        null);
  }

  /** An ec2-protocol answer: {@code members} right under {@code <OperationResponse>}. */
  static Answer ec2(String operation, String members, String requestId) {
    return new Answer(
        200,
        "text/xml",
        Ec2Api.response(operation, members, requestId).getBytes(StandardCharsets.UTF_8),
        requestId,
        null);
  }

  /** The refusal of a bad signature, with the code each protocol uses. */
  static AwsError authError(String service, RequestVerifier.Refused e) {
    boolean json = json(service);
    String code =
        switch (e.failure()) {
          case MISSING ->
              json ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken";
          case UNKNOWN_KEY -> json ? "UnrecognizedClientException" : "InvalidClientTokenId";
          case BAD_SIGNATURE, EXPIRED ->
              json ? "InvalidSignatureException" : "SignatureDoesNotMatch";
        };
    return new AwsError(403, code, e.getMessage());
  }

  /**
   * An error as the service's protocol answers it: rest-json (EKS), awsJson1_1 (Price List: the
   * code also in {@code __type}) or an awsquery document.
   */
  static Answer error(String service, AwsError error, String requestId) {
    if (json(service)) {
      ObjectNode body = JSON.createObjectNode();
      if (service.equals("pricing")) {
        body.put("__type", error.code());
      }
      body.put("message", error.getMessage());
      try {
        return new Answer(
            error.status(),
            "application/json",
            JSON.writeValueAsBytes(body),
            requestId,
            error.code());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("rendering an error: " + e.getMessage(), e);
      }
    }
    return new Answer(
        error.status(),
        "text/xml",
        (service.equals("ec2")
                ? Ec2Api.error(error, requestId)
                : Xml.error(namespace(service), error, requestId))
            .getBytes(StandardCharsets.UTF_8),
        requestId,
        null);
  }

  static void send(HttpExchange exchange, Answer answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    if (answer.requestId() != null) {
      exchange.getResponseHeaders().set("x-amzn-RequestId", answer.requestId());
    }
    if (answer.errorType() != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType());
    }
    byte[] body = answer.body();
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A sandbox path's answer, not an AWS one. */
  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    send(exchange, new Answer(status, contentType, body, null, null));
  }

  static void text(HttpExchange exchange, int status, String message) throws IOException {
    send(exchange, status, "text/plain", (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static void json(HttpExchange exchange, Object body) throws IOException {
    send(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
  }
}
