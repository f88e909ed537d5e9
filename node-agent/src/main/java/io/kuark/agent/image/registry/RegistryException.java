package io.kuark.agent.image.registry;

import java.io.IOException;

/**
 * A registry refused or failed a request; the message carries the registry's own reason (its error
 * code and message when it sent one), which is what pod status reports for ErrImagePull.
 */
public final class RegistryException extends IOException {

  private final int status;

  public RegistryException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** HTTP status, or 0 when the failure was not an HTTP answer. */
  public int status() {
    return status;
  }
}
