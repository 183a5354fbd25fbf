import { llmmonProject } from '../../vitest.shared.ts';

// One test file at a time: the tests burn CPU and allocate hundreds of MiB on purpose, and
// measure against that ground truth; two files doing it at once on 2 cores only adds noise.
export default llmmonProject('sampler-native', { fileParallelism: false });
