package io.kuark.cni;

/**
 * A CNI error as the spec shapes it: a code (0–99 well-known, 100+ plugin-specific), a short
 * message and optional details. The plugin prints it as the error object and exits non-zero.
 */
public class CniException extends RuntimeException {
  /** Incompatible CNI version. */
  public static final int INCOMPATIBLE_VERSION = 1;

  /** Unsupported field in network configuration. */
  public static final int UNSUPPORTED_FIELD = 2;

  /** Container unknown or does not exist. */
  public static final int UNKNOWN_CONTAINER = 3;

  /** Invalid necessary environment variables. */
  public static final int INVALID_ENVIRONMENT = 4;

  /** I/O failure. */
  public static final int IO_FAILURE = 5;

  /** Failed to decode content. */
  public static final int DECODING_FAILURE = 6;

  /** Invalid network config. */
  public static final int INVALID_NETWORK_CONFIG = 7;

  /** Try again later. */
  public static final int TRY_AGAIN_LATER = 11;

  /** STATUS: the plugin is not available. */
  public static final int PLUGIN_NOT_AVAILABLE = 50;

  /** Plugin-specific: a failure while carrying out the command (same code as the reference). */
  public static final int PLUGIN_FAILURE = 999;

  private final int code;
  private final String details;

  public CniException(int code, String msg, String details) {
    super(msg);
    this.code = code;
    this.details = details;
  }

  public CniException(int code, String msg) {
    this(code, msg, (String) null);
  }

  public CniException(int code, String msg, Throwable cause) {
    super(msg, cause);
    this.code = code;
    this.details = null;
  }

  public int code() {
    return code;
  }

  public String msg() {
    return getMessage();
  }

  /** Long-form details, or null. */
  public String details() {
    return details;
  }
}
