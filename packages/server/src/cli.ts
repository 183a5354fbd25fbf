#!/usr/bin/env node
console.log('llmmon: not built yet');
