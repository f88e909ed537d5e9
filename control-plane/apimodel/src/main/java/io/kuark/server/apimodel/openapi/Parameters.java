package io.kuark.server.apimodel.openapi;

import java.util.List;
import java.util.Map;

/** The query parameters of Kubernetes operations, with their types and descriptions. */
final class Parameters {

  /** name → {type, description}. */
  static final Map<String, String[]> QUERY =
      Map.ofEntries(
          Map.entry(
              "pretty", new String[] {"string", "If 'true', then the output is pretty printed."}),
          Map.entry(
              "dryRun",
              new String[] {
                "string",
                "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"
              }),
          Map.entry(
              "fieldManager",
              new String[] {
                "string",
                "fieldManager is a name associated with the actor or entity that is making these changes."
              }),
          Map.entry(
              "fieldValidation",
              new String[] {
                "string",
                "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"
              }),
          Map.entry(
              "force",
              new String[] {
                "boolean",
                "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people."
              }),
          Map.entry(
              "allowWatchBookmarks",
              new String[] {
                "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."
              }),
          Map.entry(
              "continue",
              new String[] {
                "string",
                "The continue option should be set when retrieving more results from the server."
              }),
          Map.entry(
              "fieldSelector",
              new String[] {
                "string",
                "A selector to restrict the list of returned objects by their fields. Defaults to everything."
              }),
          Map.entry(
              "labelSelector",
              new String[] {
                "string",
                "A selector to restrict the list of returned objects by their labels. Defaults to everything."
              }),
          Map.entry(
              "limit",
              new String[] {
                "integer", "limit is a maximum number of responses to return for a list call."
              }),
          Map.entry(
              "resourceVersion",
              new String[] {
                "string",
                "resourceVersion sets a constraint on what resource versions a request may be served from."
              }),
          Map.entry(
              "resourceVersionMatch",
              new String[] {
                "string",
                "resourceVersionMatch determines how resourceVersion is applied to list calls."
              }),
          Map.entry(
              "sendInitialEvents",
              new String[] {
                "boolean", "`sendInitialEvents=true` may be set together with `watch=true`."
              }),
          Map.entry("timeoutSeconds", new String[] {"integer", "Timeout for the list/watch call."}),
          Map.entry(
              "watch",
              new String[] {
                "boolean",
                "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."
              }),
          Map.entry(
              "gracePeriodSeconds",
              new String[] {
                "integer", "The duration in seconds before the object should be deleted."
              }),
          Map.entry(
              "orphanDependents",
              new String[] {
                "boolean",
                "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."
              }),
          Map.entry(
              "propagationPolicy",
              new String[] {
                "string",
                "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."
              }),
          Map.entry(
              "container", new String[] {"string", "The container for which to stream logs."}),
          Map.entry("follow", new String[] {"boolean", "Follow the log stream of the pod."}),
          Map.entry(
              "previous", new String[] {"boolean", "Return previous terminated container logs."}),
          Map.entry(
              "sinceSeconds",
              new String[] {
                "integer",
                "A relative time in seconds before the current time from which to show logs."
              }),
          Map.entry(
              "tailLines",
              new String[] {
                "integer", "If set, the number of lines from the end of the logs to show."
              }),
          Map.entry(
              "timestamps",
              new String[] {
                "boolean",
                "If true, add an RFC3339 timestamp at the beginning of every line of log output."
              }));

  static final List<String> LIST =
      List.of(
          "allowWatchBookmarks",
          "continue",
          "fieldSelector",
          "labelSelector",
          "limit",
          "resourceVersion",
          "resourceVersionMatch",
          "sendInitialEvents",
          "timeoutSeconds",
          "watch");
  static final List<String> WRITE = List.of("dryRun", "fieldManager", "fieldValidation");
  static final List<String> PATCH = List.of("dryRun", "fieldManager", "fieldValidation", "force");
  static final List<String> DELETE =
      List.of("dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy");
  static final List<String> DELETE_COLLECTION =
      List.of(
          "continue",
          "dryRun",
          "fieldSelector",
          "gracePeriodSeconds",
          "labelSelector",
          "limit",
          "orphanDependents",
          "propagationPolicy",
          "resourceVersion",
          "resourceVersionMatch",
          "sendInitialEvents",
          "timeoutSeconds");
  static final List<String> LOG =
      List.of(
          "container",
          "follow",
          "limitBytes",
          "previous",
          "sinceSeconds",
          "tailLines",
          "timestamps");

  private Parameters() {}

  static String[] describe(String name) {
    String[] d = QUERY.get(name);
    return d != null ? d : new String[] {"integer".equals(name) ? "integer" : "string", name};
  }
}
