package io.kuark.server.api.protobuf;

/** A protobuf body this server cannot decode (unknown type or field, malformed bytes). */
public final class ProtobufException extends RuntimeException {
  public ProtobufException(String message) {
    super(message, null, false, false);
  }
}
