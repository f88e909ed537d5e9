package io.kuark.server.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;

/**
 * Defaulting and validation of objects before they are written (mutating then validating
 * admission). Implementations throw 422 Invalid ({@code Statuses.invalid}) for invalid objects.
 */
public interface ObjectAdmission {

  /** Accepts everything unchanged. */
  ObjectAdmission NONE = (type, object, old) -> List.of();

  /**
   * Defaults {@code object} in place and validates it.
   *
   * @param old the stored object for updates, null for creates
   * @return warnings for the client's {@code Warning} header
   */
  List<String> admit(ResourceType type, ObjectNode object, ObjectNode old);

  /**
   * Checks a write to the {@code status} or {@code approval} subresource (upstream admits these
   * too, e.g. the certificates approval and signing plugins); defaults to accepting it.
   *
   * @param object the object to be stored
   * @param old the stored object
   */
  default void admitSubresource(
      ResourceType type, String subresource, ObjectNode object, ObjectNode old) {}
}
