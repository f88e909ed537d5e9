package io.kuark.agent.api;

/**
 * The Kubernetes WebSocket channel protocols ({@code channel.k8s.io} up to {@code
 * v5.channel.k8s.io}): every binary message starts with a channel byte.
 */
final class ChannelFraming {

  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;

  /** v5: the client closes a channel; the next byte names it. */
  static final int CLOSE = 255;

  /** Exec/attach subprotocols we speak, best first. */
  static final String[] EXEC_PROTOCOLS = {
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    "v3.channel.k8s.io",
    "v2.channel.k8s.io",
    "channel.k8s.io"
  };

  private ChannelFraming() {}

  /** Prefixes {@code data} with the channel byte. */
  static byte[] frame(int channel, byte[] data) {
    byte[] framed = new byte[data.length + 1];
    framed[0] = (byte) channel;
    System.arraycopy(data, 0, framed, 1, data.length);
    return framed;
  }

  /** From v4 on the error channel carries a JSON Status. */
  static boolean structuredStatus(String protocol) {
    return protocol.startsWith("v4.") || protocol.startsWith("v5.");
  }

  /** v5 knows the close signal. */
  static boolean hasCloseSignal(String protocol) {
    return protocol.startsWith("v5.");
  }
}
