package io.kuark.agent.runtime;

import io.fabric8.kubernetes.api.model.Container;

/** What a container's stdin is, from its {@code stdin} and {@code stdinOnce} fields. */
public enum StdinMode {
  /** {@code stdin: false}: /dev/null. */
  CLOSED,
  /** {@code stdin: true}: open for the container's life; attach clients come and go. */
  OPEN,
  /** {@code stdin: true, stdinOnce: true}: closed (EOF) once the first attach client leaves. */
  ONCE;

  public static StdinMode of(Container container) {
    if (!Boolean.TRUE.equals(container.getStdin())) {
      return CLOSED;
    }
    return Boolean.TRUE.equals(container.getStdinOnce()) ? ONCE : OPEN;
  }
}
