package io.kuark.e2e;

/**
 * Runs clean-up steps so that every one runs whatever the earlier ones threw: a failed leftover
 * check (an {@link AssertionError}) or an interrupted stop must not leave the host routes, bridges,
 * cgroups or processes of later steps behind for every test that runs next. {@link #throwFirst()}
 * then reports the first failure with the later ones suppressed.
 *
 * <p>An interrupt (say a test timeout) must not cut the clean-up short either: each step runs with
 * the interrupt status cleared, and the status is restored when the failures are thrown.
 */
final class CleanUpSteps {

  /** One clean-up step. */
  interface Step {
    void run() throws Exception;
  }

  private Throwable first;
  private boolean interrupted;

  /** Runs {@code step} and records what it throws, {@link Error}s included. */
  void run(Step step) {
    interrupted |= Thread.interrupted();
    try {
      step.run();
    } catch (Throwable t) {
      fail(t);
    }
    interrupted |= Thread.interrupted();
  }

  /** Records a failure found outside a step (e.g. the result of a check). */
  void fail(Throwable failure) {
    if (first == null) {
      first = failure;
    } else if (failure != first) {
      first.addSuppressed(failure);
    }
  }

  /** Whether a step failed so far. */
  boolean failed() {
    return first != null;
  }

  /** Throws the first recorded failure (the later ones suppressed in it); nothing when none. */
  void throwFirst() throws Exception {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first == null) {
      return;
    }
    if (first instanceof Error error) {
      throw error;
    }
    if (first instanceof Exception exception) {
      throw exception;
    }
    throw new IllegalStateException("clean-up failed", first);
  }
}
