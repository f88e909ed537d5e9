package io.kuark.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Plain HTTP replies of the agent API: Kubernetes {@code Status} objects and plain text. */
final class StatusReplies {

  static final ObjectMapper JSON = new ObjectMapper();

  private StatusReplies() {}

  /** A failure {@code Status} as the API server would write it. */
  static ObjectNode failure(int code, String reason, String message) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return status;
  }

  /** Sends a failure Status and closes the connection. */
  static void sendStatus(ChannelHandlerContext ctx, int code, String reason, String message) {
    send(ctx, code, "application/json", failure(code, reason, message).toString(), true);
  }

  static void sendText(ChannelHandlerContext ctx, int code, String text, boolean close) {
    send(ctx, code, "text/plain; charset=utf-8", text, close);
  }

  static void send(
      ChannelHandlerContext ctx, int code, String contentType, String body, boolean close) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  /** Reason phrase of an HTTP code as Kubernetes names it in a Status. */
  static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      default -> "InternalError";
    };
  }
}
