/** Slots of the burn worker's shared control array (see burn.ts). */
export const BURN_GO = 0;
export const BURN_DONE = 1;
export const BURN_MS = 2;
export const BURN_SLOTS = 3;
/** Value of the GO slot that ends the worker. */
export const BURN_STOP = -1;
