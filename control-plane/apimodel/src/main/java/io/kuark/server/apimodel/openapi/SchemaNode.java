package io.kuark.server.apimodel.openapi;

import java.util.Map;

/**
 * One built-in schema as the write path needs it, resolved once: references followed, required and
 * always-encoded fields folded into each field's flags. Nodes form a graph (definitions may refer
 * to themselves); each is filled once by {@link SchemaNodes} before it is published and is not
 * changed after, so readers need no lock.
 */
final class SchemaNode {

  /** How a string value of this node is encoded upstream. */
  enum Time {
    NONE,
    /** {@code metav1.Time}: RFC 3339, whole seconds, UTC. */
    SECONDS,
    /** {@code metav1.MicroTime}: RFC 3339, six fractional digits, UTC. */
    MICROS
  }

  /** A field of an object node. */
  record Field(SchemaNode node, boolean dropEmptyList, boolean dropEmptyMap) {}

  /** Anything goes below ({@code x-kubernetes-preserve-unknown-fields}). */
  boolean preserveUnknown;

  /** The named fields, or null when the schema lists none (a map, or a free-form object). */
  Map<String, Field> properties;

  /** The schema of other keys (a map's values), or null. */
  SchemaNode additional;

  /** Whether keys outside {@link #properties} are allowed (additionalProperties of any kind). */
  boolean additionalAllowed;

  /** The schema of list items, or null. */
  SchemaNode items;

  Time time = Time.NONE;
}
