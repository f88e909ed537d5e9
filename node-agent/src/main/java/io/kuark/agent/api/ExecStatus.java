package io.kuark.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the error stream carries when an exec ends. From {@code v4.channel.k8s.io} on it is a JSON
 * {@code Status} (a non-zero exit is reason {@code NonZeroExitCode} with an {@code ExitCode} cause,
 * which kubectl turns into its own exit code); older protocols carry only an error text.
 */
final class ExecStatus {

  private ExecStatus() {}

  /** The error stream content for an exit code, or for a failure message (exitCode ignored). */
  static byte[] encode(boolean structured, List<String> command, int exitCode, String failure) {
    if (!structured) {
      if (failure != null) {
        return failure.getBytes(StandardCharsets.UTF_8);
      }
      return exitCode == 0
          ? new byte[0]
          : ("command terminated with non-zero exit code: exit status " + exitCode)
              .getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode status = StatusReplies.JSON.createObjectNode();
    status.putObject("metadata");
    if (failure == null && exitCode == 0) {
      status.put("status", "Success");
    } else if (failure != null) {
      status.put("status", "Failure");
      status.put("message", failure);
      status.put("reason", "InternalError");
      status.put("code", 500);
    } else {
      status.put("status", "Failure");
      status.put(
          "message",
          "command terminated with non-zero exit code: error executing command "
              + command
              + ", exit code "
              + exitCode);
      status.put("reason", "NonZeroExitCode");
      ObjectNode cause = status.putObject("details").putArray("causes").addObject();
      cause.put("reason", "ExitCode");
      cause.put("message", Integer.toString(exitCode));
    }
    return status.toString().getBytes(StandardCharsets.UTF_8);
  }
}
