import { describe, expect, it } from 'vitest';
import { importGraph, type ImportEdge } from './support/repositoryFiles.js';

/**
 * No two of the repository's modules depend on each other, even through others and even for types
 * only: a cycle means neither side can be understood, tested or moved without the other.
 */
describe('the import graph of the repository', () => {
  it('has no cycles', () => {
    expect(importCycles(importGraph())).toEqual([]);
  });

  it('is found to have one when two modules import each other', () => {
    const graph = new Map<string, ImportEdge[]>([
      ['a.ts', [{ target: 'b.ts', typeOnly: false }]],
      ['b.ts', [{ target: 'c.ts', typeOnly: true }]],
      ['c.ts', [{ target: 'a.ts', typeOnly: false }]],
      ['d.ts', [{ target: 'a.ts', typeOnly: false }]],
    ]);
    expect(importCycles(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts']);
  });
});

/** Each strongly connected group of modules (Tarjan), named by one cycle through it. */
function importCycles(graph: Map<string, ImportEdge[]>): string[] {
  const targetsOf = (file: string) => [...new Set((graph.get(file) ?? []).map((edge) => edge.target))];
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];

  const connect = (file: string): void => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of targetsOf(file)) {
      if (!index.has(target)) {
        connect(target);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(target)!));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const group = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.add(member);
    } while (member !== file);
    if (group.size > 1 || targetsOf(file).includes(file)) cycles.push(cycleThrough(file, group));
  };

  /** A shortest path from `start` back to itself inside `group`, breadth first. */
  const cycleThrough = (start: string, group: Set<string>): string => {
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const target of targetsOf(file)) {
        if (!group.has(target) || cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        if (target === start) {
          const path = [start];
          for (let step = cameFrom.get(start)!; step !== start; step = cameFrom.get(step)!) path.unshift(step);
          return [start, ...path].join(' → ');
        }
        queue.push(target);
      }
    }
    return start;
  };

  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);
  return cycles.sort();
}
