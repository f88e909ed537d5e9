package io.kuark.agent.pod.gc;

import java.io.IOException;
import java.util.List;

/** The node's dead containers, as the container garbage collector sees and removes them. */
public interface DeadContainers {

  /**
   * Every dead container instance the node keeps something of now. Never lists a running container
   * or the current attempt of a pod's container.
   */
  List<DeadContainer> list() throws IOException;

  /**
   * Removes what is left of {@code dead} (log files, or runtime state with its rootfs). Idempotent.
   *
   * @return bytes freed (an estimate for runtime state)
   * @throws IOException when it could not be removed; it is listed again next round
   */
  long remove(DeadContainer dead) throws IOException;
}
