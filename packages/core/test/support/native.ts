/** Whether the native sampler loads here, and why not. */
import { loadNativeSampler } from '../../src/sampler/native.js';

export const native = loadNativeSampler();

/**
 * Samplers to run measurement tests with: JS always; native where it loads. On CI the native
 * sampler must load (a failed build must fail the tests, not skip them).
 */
export const SAMPLERS: ('js' | 'native')[] = native.ok || process.env.CI ? ['js', 'native'] : ['js'];
export const HAS_NATIVE = SAMPLERS.includes('native');
