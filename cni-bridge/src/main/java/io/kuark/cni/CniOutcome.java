package io.kuark.cni;

/**
 * What a plugin process would produce: the exit code and stdout (a result, a version object, an
 * error object, or empty for successful DEL/CHECK/STATUS/GC).
 */
public record CniOutcome(int exitCode, String stdout) {}
