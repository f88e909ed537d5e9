package io.kuark.agent.volume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which volume refresh failures of one pod become a FailedMount event: a failure when it
 * starts and whenever its message changes, not again each minute while it lasts (the pod's events
 * already say it, and the last good content stays in place). A volume that refreshes again is
 * forgotten, so a later failure is reported anew. Not thread-safe: one per pod worker.
 */
public final class MountFailures {

  private final Map<String, String> reported = new HashMap<>();

  /** The FailedMount messages to record for {@code refresh}. */
  public List<String> toReport(PodVolumes.Refresh refresh) {
    List<String> messages = new ArrayList<>();
    reported.keySet().removeIf(volume -> !refresh.failed().containsKey(volume));
    refresh
        .failed()
        .forEach(
            (volume, message) -> {
              if (!message.equals(reported.put(volume, message))) {
                messages.add(message);
              }
            });
    return messages;
  }
}
