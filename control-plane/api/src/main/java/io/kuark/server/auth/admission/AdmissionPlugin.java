package io.kuark.server.auth.admission;

import java.util.List;

/**
 * One admission plugin, as upstream splits them: {@link #mutate} runs before the object's
 * defaulting and validation, {@link #validate} after it (validating plugins see the final object).
 * Both throw an {@code ApiException} (403 Forbidden, as upstream's {@code admission.NewForbidden})
 * to refuse.
 */
public interface AdmissionPlugin {

  /** Changes the object in place before defaulting and validation. */
  default void mutate(AdmissionAttributes a) {}

  /**
   * Checks the final object.
   *
   * @return warnings for the client's {@code Warning} header
   */
  default List<String> validate(AdmissionAttributes a) {
    return List.of();
  }
}
