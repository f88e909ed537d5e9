package io.kuark.server.api.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.apimodel.ResourceType;

/** The additionalPrinterColumns of a custom resource's CRD version, or null for built-ins. */
public interface CustomResourceColumns {

  /** No custom resources. */
  CustomResourceColumns NONE = type -> null;

  JsonNode columns(ResourceType type);
}
