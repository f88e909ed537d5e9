package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every clean-up step runs whatever the earlier ones threw; the first failure is reported. */
class CleanUpStepsTest {

  @Test
  void laterStepsRunAfterAnAssertionErrorWhichIsThrownFirstWithTheOthersSuppressed() {
    List<String> ran = new ArrayList<>();
    AssertionError leftovers = new AssertionError("left behind: process 42");
    IllegalStateException routes = new IllegalStateException("route removal failed");
    CleanUpSteps steps = new CleanUpSteps();

    steps.run(
        () -> {
          ran.add("processes");
          throw leftovers;
        });
    steps.run(
        () -> {
          ran.add("routes");
          throw routes;
        });
    steps.run(() -> ran.add("bridge"));

    assertThat(ran).containsExactly("processes", "routes", "bridge");
    assertThat(steps.failed()).isTrue();
    assertThatThrownBy(steps::throwFirst).isSameAs(leftovers);
    assertThat(leftovers.getSuppressed()).containsExactly(routes);
  }

  @Test
  void anInterruptDoesNotCutTheCleanUpShortAndIsRestoredAtTheEnd() throws Exception {
    List<String> ran = new ArrayList<>();
    CleanUpSteps steps = new CleanUpSteps();
    Thread.currentThread().interrupt();

    steps.run(
        () -> {
          // A step that waits (stopping a process) works although the test thread was interrupted.
          Thread.sleep(1);
          ran.add("stop");
        });
    steps.run(() -> ran.add("routes"));
    steps.throwFirst();

    assertThat(ran).containsExactly("stop", "routes");
    assertThat(Thread.interrupted()).as("interrupt status restored (and cleared here)").isTrue();
  }

  @Test
  void nothingIsThrownWhenEveryStepPassed() throws Exception {
    CleanUpSteps steps = new CleanUpSteps();
    steps.run(() -> {});
    assertThat(steps.failed()).isFalse();
    steps.throwFirst();
  }
}
