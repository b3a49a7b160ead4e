package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class XmlTest {

  @Test
  void responseWrapsTheResultInTheOperationsElementsWithTheNamespace() {
    String xml =
        Xml.response(
            AutoScalingApi.NAMESPACE,
            "DescribeTags",
            new Xml().open("Tags").close("Tags").toString(),
            "r-1");

    assertEquals(
        "<DescribeTagsResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\">"
            + "<DescribeTagsResult><Tags></Tags></DescribeTagsResult>"
            + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeTagsResponse>",
        xml);
  }

  @Test
  void operationWithoutResultHasOnlyMetadata() {
    assertEquals(
        "<SuspendProcessesResponse xmlns=\"ns\"><ResponseMetadata><RequestId>r</RequestId>"
            + "</ResponseMetadata></SuspendProcessesResponse>",
        Xml.response("ns", "SuspendProcesses", null, "r"));
  }

  @Test
  void errorDocumentNamesTypeCodeAndEscapedMessage() {
    assertEquals(
        "<ErrorResponse xmlns=\"ns\"><Error><Type>Sender</Type><Code>Throttling</Code>"
            + "<Message>a &lt;b&gt; &amp; &quot;c&quot;</Message></Error><RequestId>r</RequestId>"
            + "</ErrorResponse>",
        Xml.error("ns", new AwsError(400, "Throttling", "a <b> & \"c\""), "r"));
  }
}
