import { llmmonProject } from '../vitest.shared.ts';

// The helpers' tests start real samplers (a python3 psutil child, the native sampler) against
// known workloads; one file at a time keeps them from measuring each other on 2 cores.
export default llmmonProject('comparison', { fileParallelism: false });
