package io.eksscheduler.sandbox.aws;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 as a server checks it: rebuilds the canonical request from what arrived
 * and recomputes the signature with the caller's secret key. Follows the SigV4 spec for services
 * other than S3: the path, already percent-encoded by the client, is encoded once more, and query
 * parameters are decoded then re-encoded in RFC 3986 form and sorted.
 */
public final class SigV4 {

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  private SigV4() {}

  /** The parts of an {@code Authorization} header or of a presigned URL's query. */
  public record Credential(
      String accessKeyId, String date, String region, String service, String terminator) {

    /** Parses {@code AKID/20150830/us-east-1/service/aws4_request}. */
    public static Credential parse(String text) {
      String[] parts = text.split("/", -1);
      if (parts.length != 5) {
        throw new IllegalArgumentException("malformed credential scope '" + text + "'");
      }
      return new Credential(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }

    public String scope() {
      return date + "/" + region + "/" + service + "/" + terminator;
    }
  }

  /** A parsed {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., ...}. */
  public record Authorization(Credential credential, List<String> signedHeaders, String signature) {

    public static Authorization parse(String header) {
      String text = header.strip();
      if (!text.startsWith(ALGORITHM + " ")) {
        throw new IllegalArgumentException("unsupported authorization algorithm");
      }
      String credential = null;
      String signedHeaders = null;
      String signature = null;
      for (String part : text.substring(ALGORITHM.length() + 1).split(",")) {
        String[] kv = part.strip().split("=", 2);
        if (kv.length != 2) {
          continue;
        }
        switch (kv[0]) {
          case "Credential" -> credential = kv[1];
          case "SignedHeaders" -> signedHeaders = kv[1];
          case "Signature" -> signature = kv[1];
          default -> {}
        }
      }
      if (credential == null || signedHeaders == null || signature == null) {
        throw new IllegalArgumentException(
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders'");
      }
      return new Authorization(
          Credential.parse(credential), List.of(signedHeaders.split(";")), signature);
    }
  }

  /** What a request looked like on the wire, as needed for its canonical form. */
  public record WireRequest(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      String payloadHash) {}

  /** The canonical request of {@code request}, leaving out the query parameter {@code skip}. */
  public static String canonicalRequest(
      WireRequest request, List<String> signedHeaders, String skipQueryParameter) {
    StringBuilder out = new StringBuilder();
    out.append(request.method()).append('\n');
    String path =
        request.rawPath() == null || request.rawPath().isEmpty() ? "/" : request.rawPath();
    out.append(encode(path, true)).append('\n');
    out.append(canonicalQuery(request.rawQuery(), skipQueryParameter)).append('\n');
    for (String name : signedHeaders) {
      List<String> values = headerValues(request.headers(), name);
      List<String> trimmed = new ArrayList<>();
      for (String v : values) {
        trimmed.add(v.strip().replaceAll(" +", " "));
      }
      out.append(name).append(':').append(String.join(",", trimmed)).append('\n');
    }
    out.append('\n');
    out.append(String.join(";", signedHeaders)).append('\n');
    out.append(request.payloadHash());
    return out.toString();
  }

  /** The string to sign for a canonical request. */
  public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
    return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
  }

  /** The hex signature of {@code stringToSign} with the key derived from {@code secret}. */
  public static String signature(String secret, Credential credential, String stringToSign) {
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), credential.date());
    key = hmac(key, credential.region());
    key = hmac(key, credential.service());
    key = hmac(key, credential.terminator());
    return HexFormat.of().formatHex(hmac(key, stringToSign));
  }

  /** Compares signatures in constant time. */
  public static boolean same(String expected, String provided) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        provided.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  static List<String> headerValues(Map<String, List<String>> headers, String lowerName) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(lowerName)) {
        return e.getValue();
      }
    }
    return List.of();
  }

  /** Decodes a raw query string into sorted, re-encoded {@code key=value} pairs. */
  static String canonicalQuery(String rawQuery, String skip) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      String[] kv = part.split("=", 2);
      String key = percentDecode(kv[0]);
      if (key.equals(skip)) {
        continue;
      }
      String value = kv.length == 2 ? percentDecode(kv[1]) : "";
      pairs.add(new String[] {encode(key, false), encode(value, false)});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> joined = new ArrayList<>();
    for (String[] p : pairs) {
      joined.add(p[0] + "=" + p[1]);
    }
    return String.join("&", joined);
  }

  /** RFC 3986 percent-encoding of UTF-8 bytes; unreserved characters (and '/' if asked) kept. */
  public static String encode(String text, boolean keepSlash) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** Decodes {@code %XX} escapes only; a '+' stays a '+' (SigV4 clients send spaces as %20). */
  public static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length()) {
        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
