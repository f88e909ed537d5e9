package io.kuark.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Terminal size messages ({@code {"Width":80,"Height":24}}, upstream's {@code TerminalSize}): one
 * per WebSocket message, or newline-separated JSON on a SPDY resize stream.
 */
final class ResizeDecoder {

  /** Columns and rows. */
  record Size(int width, int height) {}

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /** Feeds stream bytes; returns the complete sizes they finish. */
  List<Size> feed(byte[] data) {
    List<Size> sizes = new ArrayList<>();
    for (byte b : data) {
      if (b == '\n') {
        Size size = parse(pending.toByteArray());
        if (size != null) {
          sizes.add(size);
        }
        pending.reset();
      } else {
        pending.write(b);
      }
    }
    return sizes;
  }

  /** One JSON object; null when it is not a usable size. */
  static Size parse(byte[] json) {
    try {
      JsonNode node = StatusReplies.JSON.readTree(json);
      if (node == null) {
        return null;
      }
      int width = node.path("Width").asInt(0);
      int height = node.path("Height").asInt(0);
      return width > 0 && height > 0 && width <= 0xffff && height <= 0xffff
          ? new Size(width, height)
          : null;
    } catch (IOException e) {
      return null;
    }
  }
}
