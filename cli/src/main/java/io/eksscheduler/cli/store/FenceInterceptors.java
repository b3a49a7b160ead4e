package io.eksscheduler.cli.store;

import java.util.Set;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The {@link Fence} enforced in the clients, not by convention: an OkHttp interceptor on the
 * Kubernetes client answers a refused request itself with HTTP 403 (a Status naming why), without
 * sending it; an SDK interceptor on every AWS client throws before the call is signed.
 */
public final class FenceInterceptors {
  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  /** Marks the answers the interceptor made itself, so the store can tell them from RBAC's. */
  static final String FENCED_HEADER = "X-Eks-Scheduler-Refused";

  private FenceInterceptors() {}

  /** For the Kubernetes client: refuses every mutating request once the fence tripped. */
  public static Interceptor kubernetes(Fence fence) {
    return chain -> {
      Request request = chain.request();
      if (READS.contains(request.method()) || isDryRun(request)) {
        return chain.proceed(request);
      }
      String why = fence.refusal();
      if (why == null) {
        return chain.proceed(request);
      }
      String message =
          "refused by this runner, not sent: "
              + request.method()
              + " "
              + request.url().encodedPath()
              + ": "
              + why;
      String status =
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
              + "\"code\":403,\"message\":"
              + com.fasterxml.jackson.databind.node.TextNode.valueOf(message)
              + "}";
      return new Response.Builder()
          .request(request)
          .protocol(Protocol.HTTP_1_1)
          .code(403)
          .message("Forbidden")
          .header(FENCED_HEADER, "true")
          .body(ResponseBody.create(status, MediaType.get("application/json")))
          .build();
    };
  }

  private static boolean isDryRun(Request request) {
    return request.url().queryParameterValues("dryRun").contains("All");
  }

  /** For every AWS client: refuses every call but Describe*, List* and Get* once fenced. */
  public static ExecutionInterceptor aws(Fence fence) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (operation == null
            || operation.startsWith("Describe")
            || operation.startsWith("List")
            || operation.startsWith("Get")) {
          return;
        }
        String why = fence.refusal();
        if (why != null) {
          throw SdkClientException.create(
              "refused by this runner, not sent: "
                  + attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
                  + " "
                  + operation
                  + ": "
                  + why);
        }
      }
    };
  }
}
