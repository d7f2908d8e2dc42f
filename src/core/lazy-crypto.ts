import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * node:crypto, loaded when first used rather than at start-up: it is 17
 * modules, 2-4 ms of a short run, and `check` (and any run that hashes no
 * name) never needs it.
 */
const load = createRequire(import.meta.url);
let cryptoModule: typeof Crypto | undefined;

export const nodeCrypto = (): typeof Crypto => (cryptoModule ??= load('node:crypto') as typeof Crypto);
