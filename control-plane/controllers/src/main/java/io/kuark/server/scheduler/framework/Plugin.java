package io.kuark.server.scheduler.framework;

/** A scheduler plugin; each extension point it serves is a separate interface. */
public interface Plugin {
  String name();
}
