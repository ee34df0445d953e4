// Staging area: one block per arena through which batch operations pass many items in one
// crossing. JS writes inputs into it through typed views, calls one export, and reads the outputs.
//
//   ╒══════════════════════════════╤══════════════════════════════╕
//   │ numbers  f64[STAGING_ITEMS]  │ words  u32[STAGING_ITEMS]    │
//   └──────────────────────────────┴──────────────────────────────┘
//   0                              8·STAGING_ITEMS                12·STAGING_ITEMS
//
//   numbers  keys in, keys or handles out
//   words    values in, values or slots out

import { allocate, canAllocate } from "./memory";

// @ts-ignore: decorator
@inline export const STAGING_ITEMS: u32 = 4096;

export let stagingNumbers: usize = 0;
export let stagingWords: usize = 0;

export function initStaging(): bool {
  let bytes = <usize>STAGING_ITEMS * 12;
  if (!canAllocate(bytes)) return false;
  stagingNumbers = allocate(bytes);
  stagingWords = stagingNumbers + <usize>STAGING_ITEMS * 8;
  return true;
}
