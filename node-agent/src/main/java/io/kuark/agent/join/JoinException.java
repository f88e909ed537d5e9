package io.kuark.agent.join;

/** Joining the cluster failed; the message tells the user why. */
public class JoinException extends Exception {
  public JoinException(String message) {
    super(message);
  }

  public JoinException(String message, Throwable cause) {
    super(message, cause);
  }
}
