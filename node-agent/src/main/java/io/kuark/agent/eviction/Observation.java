package io.kuark.agent.eviction;

/**
 * One measured eviction signal.
 *
 * @param available what is left (bytes, inodes or pids)
 * @param capacity the total it is a part of
 */
public record Observation(long available, long capacity) {}
