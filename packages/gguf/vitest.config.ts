import { llmmonProject } from '../../vitest.shared.ts';

export default llmmonProject('gguf');
