package io.kuark.server.apimodel.table;

/**
 * One {@code columnDefinitions[]} entry of a {@code meta.k8s.io} Table.
 *
 * @param name header as upstream names it ({@code Name}, {@code Ready}, ...); kubectl upper-cases
 * @param type {@code string}, {@code integer}, {@code number}, {@code boolean} or {@code date}
 * @param format {@code name} for the name column, else empty
 * @param description what the column shows
 * @param priority 0 = always shown, 1 = only with {@code -o wide}
 */
public record ColumnDefinition(
    String name, String type, String format, String description, int priority) {

  static ColumnDefinition nameColumn() {
    return new ColumnDefinition(
        "Name",
        "string",
        "name",
        "Name must be unique within a namespace. Is required when creating resources, although some"
            + " resources may allow a client to request the generation of an appropriate name"
            + " automatically. Name is primarily intended for creation idempotence and configuration"
            + " definition. Cannot be updated. More info:"
            + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        0);
  }

  static ColumnDefinition age() {
    return new ColumnDefinition(
        "Age",
        "string",
        "",
        "CreationTimestamp is a timestamp representing the server time when this object was"
            + " created.",
        0);
  }

  static ColumnDefinition col(String name, String type, String description) {
    return new ColumnDefinition(name, type, "", description, 0);
  }

  static ColumnDefinition wide(String name, String type, String description) {
    return new ColumnDefinition(name, type, "", description, 1);
  }
}
