package io.kuark.server.api.alloc;

/** The outcome of asking for a specific value. */
public enum Allocation {
  ALLOCATED,
  TAKEN,
  OUT_OF_RANGE
}
