package io.eksscheduler.cli.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every AWS operation an SDK client of this JVM starts, one line {@code
 * eks:DescribeCluster} each, to the file named by the environment variable {@value #ENV} (or the
 * system property {@value #PROPERTY}), so that a test can compare what the command line really
 * called with an IAM policy. Registered for every client by the SDK's classpath file {@code
 * software/amazon/awssdk/global/handlers/execution.interceptors} of the test resources; does
 * nothing when neither is set. The prefix is the client's service name in lower case, which is the
 * IAM prefix of the services the command line calls (EKS, Auto Scaling, STS).
 */
public final class AwsCallRecorder implements ExecutionInterceptor {
  public static final String ENV = "EKS_SCHEDULER_TEST_AWS_CALLS";
  public static final String PROPERTY = "eks-scheduler.test.aws-calls";

  private static final Object LOCK = new Object();

  private final Path file;

  public AwsCallRecorder() {
    String named = System.getProperty(PROPERTY);
    if (named == null || named.isBlank()) {
      named = System.getenv(ENV);
    }
    this.file = named == null || named.isBlank() ? null : Path.of(named);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (file == null) {
      return;
    }
    String service =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME).toLowerCase(Locale.ROOT);
    append(service + ":" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  private void append(String call) {
    synchronized (LOCK) {
      write(call);
    }
  }

  private void write(String call) {
    try {
      Files.writeString(
          file,
          call + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("recording " + call + " in " + file, e);
    }
  }
}
