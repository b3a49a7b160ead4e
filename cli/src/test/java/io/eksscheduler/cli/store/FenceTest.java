package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

class FenceTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final Fence fence = new Fence(now::get);

  @Test
  void aHeldLeaseAllowsChangesUntilItsRenewDeadline() {
    fence.held("lock-a", 2_000);
    assertNull(fence.refusal());
    now.set(2_000);
    assertNull(fence.refusal());
    now.set(2_001);
    assertNotNull(fence.refusal());
  }

  @Test
  void onceTrippedItStaysTrippedAndRunsItsActionOnce() {
    AtomicInteger ran = new AtomicInteger();
    fence.onTrip(ran::incrementAndGet);
    fence.held("lock-a", 2_000);
    now.set(3_000);
    assertTrue(fence.tripped());
    fence.held("lock-a", 10_000); // a late renewal cannot undo it
    assertTrue(fence.tripped());
    fence.trip("again");
    assertEquals(1, ran.get());
    assertTrue(fence.refusal().contains("lock-a"));
  }

  @Test
  void aReleasedLeaseNoLongerBoundsTheProcess() {
    fence.held("lock-a", 2_000);
    fence.released("lock-a");
    now.set(5_000);
    assertNull(fence.refusal());
  }

  @Test
  void theKubernetesInterceptorAnswersMutatingRequestsItselfOnceTripped() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    OkHttpClient client =
        new OkHttpClient.Builder()
            .addInterceptor(FenceInterceptors.kubernetes(fence))
            .addInterceptor(
                chain -> {
                  sent.incrementAndGet();
                  return new Response.Builder()
                      .request(chain.request())
                      .protocol(okhttp3.Protocol.HTTP_1_1)
                      .code(200)
                      .message("OK")
                      .body(okhttp3.ResponseBody.create("{}", null))
                      .build();
                })
            .build();
    fence.trip("lost its Lease lock-a");
    RequestBody body = RequestBody.create("{}", null);
    try (Response patch =
        client
            .newCall(new Request.Builder().url("http://k8s/api/v1/nodes/n").patch(body).build())
            .execute()) {
      assertEquals(403, patch.code());
      assertTrue(patch.body().string().contains("refused by this runner, not sent: PATCH"));
    }
    assertEquals(0, sent.get());
    try (Response get =
            client.newCall(new Request.Builder().url("http://k8s/api/v1/nodes").build()).execute();
        Response dry =
            client
                .newCall(
                    new Request.Builder()
                        .url("http://k8s/api/v1/namespaces/a/pods?dryRun=All")
                        .post(body)
                        .build())
                .execute()) {
      assertEquals(200, get.code());
      assertEquals(200, dry.code());
    }
    assertEquals(2, sent.get());
  }

  @Test
  void theAwsInterceptorRefusesWritesButNotReadsOnceTripped() {
    var interceptor = FenceInterceptors.aws(fence);
    ExecutionAttributes write = new ExecutionAttributes();
    write.putAttribute(SdkExecutionAttribute.OPERATION_NAME, "UpdateNodegroupConfig");
    write.putAttribute(SdkExecutionAttribute.SERVICE_NAME, "EKS");
    ExecutionAttributes read = new ExecutionAttributes();
    read.putAttribute(SdkExecutionAttribute.OPERATION_NAME, "DescribeNodegroup");
    interceptor.beforeExecution(null, write); // not tripped yet: allowed
    fence.trip("lost its Lease lock-a");
    interceptor.beforeExecution(null, read);
    SdkClientException e =
        assertThrows(SdkClientException.class, () -> interceptor.beforeExecution(null, write));
    assertTrue(e.getMessage().contains("EKS UpdateNodegroupConfig: lost its Lease lock-a"));
  }
}
