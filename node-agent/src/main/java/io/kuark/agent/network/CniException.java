package io.kuark.agent.network;

import java.io.IOException;

/** A CNI plugin failed; carries the spec's error code and message when the plugin gave them. */
public final class CniException extends IOException {

  private final int code;

  public CniException(String plugin, int code, String message) {
    super(
        "CNI plugin "
            + plugin
            + " failed"
            + (code != 0 ? " (code " + code + ")" : "")
            + ": "
            + message);
    this.code = code;
  }

  /** The CNI error code (0 when the plugin did not print a CNI error). */
  public int code() {
    return code;
  }
}
