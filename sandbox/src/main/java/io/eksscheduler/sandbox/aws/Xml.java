package io.eksscheduler.sandbox.aws;

/** A minimal XML writer for awsquery responses: elements, escaped text, nothing else. */
public final class Xml {

  private final StringBuilder out = new StringBuilder();

  public Xml open(String name) {
    out.append('<').append(name).append('>');
    return this;
  }

  /** Opens the root element with its namespace. */
  public Xml root(String name, String namespace) {
    out.append('<').append(name).append(" xmlns=\"").append(escape(namespace)).append("\">");
    return this;
  }

  public Xml close(String name) {
    out.append("</").append(name).append('>');
    return this;
  }

  public Xml element(String name, Object text) {
    if (text == null) {
      return this;
    }
    out.append('<').append(name).append('>').append(escape(String.valueOf(text)));
    return close(name);
  }

  public Xml empty(String name) {
    out.append('<').append(name).append("/>");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  public static String escape(String text) {
    StringBuilder e = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> e.append("&lt;");
        case '>' -> e.append("&gt;");
        case '&' -> e.append("&amp;");
        case '"' -> e.append("&quot;");
        case '\'' -> e.append("&apos;");
        default -> e.append(c);
      }
    }
    return e.toString();
  }

  /**
   * An awsquery answer: {@code <OpResponse xmlns><OpResult>result</OpResult><ResponseMetadata>}; no
   * Result element for operations that return nothing.
   */
  public static String response(
      String namespace, String operation, String result, String requestId) {
    Xml xml = new Xml().root(operation + "Response", namespace);
    if (result != null) {
      xml.out.append('<').append(operation).append("Result>").append(result);
      xml.close(operation + "Result");
    }
    return xml.open("ResponseMetadata")
        .element("RequestId", requestId)
        .close("ResponseMetadata")
        .close(operation + "Response")
        .toString();
  }

  /** An awsquery error document. */
  public static String error(String namespace, AwsError error, String requestId) {
    return new Xml()
        .root("ErrorResponse", namespace)
        .open("Error")
        .element("Type", error.sender() ? "Sender" : "Receiver")
        .element("Code", error.code())
        .element("Message", error.getMessage())
        .close("Error")
        .element("RequestId", requestId)
        .close("ErrorResponse")
        .toString();
  }
}
