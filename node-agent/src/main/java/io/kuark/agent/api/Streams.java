package io.kuark.agent.api;

import io.netty.channel.Channel;
import java.io.IOException;

/** Back-pressure for threads that write to a Netty channel. */
final class Streams {

  private Streams() {}

  /** Waits while the channel's outbound buffer is full; IOException once the peer is gone. */
  static void awaitWritable(Channel channel) throws IOException {
    while (channel.isActive() && !channel.isWritable()) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    if (!channel.isActive()) {
      throw new IOException("client went away");
    }
  }
}
