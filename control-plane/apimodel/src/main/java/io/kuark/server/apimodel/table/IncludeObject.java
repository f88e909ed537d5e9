package io.kuark.server.apimodel.table;

import java.util.Locale;

/** The {@code includeObject} option of a Table request: what each row's {@code object} holds. */
public enum IncludeObject {
  /** No object in rows. */
  NONE,
  /** A {@code PartialObjectMetadata} with the object's metadata (upstream's default). */
  METADATA,
  /** The full object. */
  OBJECT;

  /**
   * Parses the {@code includeObject} query parameter ({@code None|Metadata|Object}); absent or
   * empty means {@link #METADATA}; anything else is rejected with IllegalArgumentException (the API
   * answers 400).
   */
  public static IncludeObject fromQuery(String value) {
    if (value == null || value.isEmpty()) {
      return METADATA;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "metadata" -> METADATA;
      case "object" -> OBJECT;
      default -> throw new IllegalArgumentException("unsupported includeObject: " + value);
    };
  }
}
