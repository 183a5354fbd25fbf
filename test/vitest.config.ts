import { llmmonProject } from '../vitest.shared.ts';

export default llmmonProject('e2e', { include: ['**/*.test.ts'], exclude: ['**/node_modules/**'] });
