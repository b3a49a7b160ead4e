package io.eksscheduler.sandbox.aws;

/**
 * An error answered as AWS answers it: the HTTP status, the error code the SDK maps to an exception
 * type ({@code InvalidParameterException}, {@code ValidationError}, ...) and the message. For query
 * services {@code sender} tells {@code <Type>Sender</Type>} from {@code Receiver}.
 */
public final class AwsError extends RuntimeException {

  private final int status;
  private final String code;

  public AwsError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public boolean sender() {
    return status < 500;
  }
}
