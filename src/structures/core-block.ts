import type { Arena } from '../core/arena.js';

type DisposeExport = 'heap_dispose' | 'ring_dispose' | 'stack_dispose';

interface Block {
  readonly arena: Arena;
  readonly header: number;
  readonly dispose: DisposeExport;
}

/**
 * Frees the core blocks of numeric structures dropped without `dispose()`. (PriorityQueue has its
 * own registry: it must also drop payloads.)
 */
export const blockRegistry = new FinalizationRegistry<Block>(({ arena, header, dispose }) => {
  if (!arena.poisoned) arena.core[dispose](header);
});
