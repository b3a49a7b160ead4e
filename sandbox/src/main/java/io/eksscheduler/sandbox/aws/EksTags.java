package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** EKS's tag rules (botocore's eks model: TagMap at most 50, TagKey 1 to 128, TagValue ≤ 256). */
final class EksTags {

  static final int MAX_TAGS = 50;

  private EksTags() {}

  /** The tags of a request's {@code tags} object (may be absent), or {@code errorCode} 400. */
  static Map<String, String> validated(JsonNode tags, String errorCode) {
    Map<String, String> out = new LinkedHashMap<>();
    if (tags.isMissingNode() || tags.isNull()) {
      return out;
    }
    if (!tags.isObject()) {
      throw new AwsError(400, errorCode, "tags must be a map of keys to values");
    }
    tags.fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().isEmpty()
                  || e.getKey().length() > 128
                  || e.getValue().asText().length() > 256) {
                throw new AwsError(
                    400,
                    errorCode,
                    "Tag keys must be 1 to 128 characters and values at most 256: " + e.getKey());
              }
              out.put(e.getKey(), e.getValue().asText());
            });
    if (out.size() > MAX_TAGS) {
      throw new AwsError(400, errorCode, "A resource can have at most " + MAX_TAGS + " tags");
    }
    return out;
  }

  /** How many tags a resource with {@code current} has once {@code added} are set on it. */
  static int countAfter(Map<String, String> current, Map<String, String> added) {
    int size = current.size();
    for (String key : added.keySet()) {
      if (!current.containsKey(key)) {
        size++;
      }
    }
    return size;
  }
}
