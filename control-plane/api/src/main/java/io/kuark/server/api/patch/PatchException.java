package io.kuark.server.api.patch;

/** A patch that cannot be applied to the object (upstream answers 422). */
public final class PatchException extends RuntimeException {
  public PatchException(String message) {
    super(message, null, false, false);
  }
}
