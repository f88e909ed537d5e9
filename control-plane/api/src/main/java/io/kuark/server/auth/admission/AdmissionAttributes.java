package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;

/**
 * What an admission plugin is asked about.
 *
 * @param type the resource written (main resource; subresource writes are not admitted here)
 * @param object the object to be stored (mutable in {@link AdmissionPlugin#mutate})
 * @param old the stored object for updates, null for creates
 * @param dryRun true for {@code dryRun=All}: check, but cause no side effects
 */
public record AdmissionAttributes(
    ResourceType type, ObjectNode object, ObjectNode old, boolean dryRun) {

  public boolean create() {
    return old == null;
  }

  /** True for the core-group resource {@code plural}. */
  public boolean is(String plural) {
    return type.isCore() && type.plural().equals(plural);
  }

  public String namespace() {
    return Meta.namespace(object);
  }

  public String name() {
    return Meta.name(object);
  }
}
