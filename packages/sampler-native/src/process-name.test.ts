import { describe, expect, it } from 'vitest';
import { matchesName, type ProcessEntry, pythonProgram } from './process-name.js';

const proc = (p: Partial<ProcessEntry>): ProcessEntry => ({
  pid: 2,
  name: 'x',
  exe: null,
  args: null,
  uid: 0,
  ...p,
});

describe('pythonProgram', () => {
  it('finds the script or module a Python command line runs', () => {
    expect(pythonProgram(['python3', '-m', 'vllm.entrypoints.openai.api_server', '--model', 'm'])).toBe(
      'vllm.entrypoints.openai.api_server',
    );
    expect(pythonProgram(['python3', '-mvllm'])).toBe('vllm');
    expect(pythonProgram(['/venv/bin/python', '/venv/bin/vllm', 'serve', 'm'])).toBe('vllm');
    expect(pythonProgram(['python', '-u', '-X', 'dev', 'server.py', 'vllm'])).toBe('server');
    expect(pythonProgram(['python', '-c', 'import vllm'])).toBeNull();
    expect(pythonProgram(['python'])).toBeNull();
  });
});

describe('matchesName', () => {
  it('by process name, including a name the kernel truncated to 15 bytes', () => {
    expect(matchesName(proc({ name: 'ollama' }), 'ollama')).toBe('name');
    expect(matchesName(proc({ name: 'llama-server' }), 'llama-server')).toBe('name');
    expect(matchesName(proc({ name: 'a-very-long-ser' }), 'a-very-long-server-name')).toBe('name');
    expect(matchesName(proc({ name: 'ollama-x' }), 'ollama')).toBeNull();
  });

  it("by the executable's file name (a process that renamed itself, or a replaced binary)", () => {
    expect(matchesName(proc({ name: 'main', exe: '/usr/local/bin/llama-server' }), 'llama-server')).toBe(
      'exe',
    );
    expect(matchesName(proc({ name: 'main', exe: '/opt/ollama (deleted)' }), 'ollama')).toBe('exe');
  });

  it('by the script or module of a Python process, not by its arguments', () => {
    const vllm = proc({
      name: 'python3',
      exe: '/usr/bin/python3.11',
      args: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
    });
    expect(matchesName(vllm, 'vllm')).toBe('script');
    expect(
      matchesName(
        proc({ name: 'vllm', exe: '/usr/bin/python3.11', args: ['python3', '/v/bin/vllm', 'serve'] }),
        'vllm',
      ),
    ).toBe('name');
    // Another user's process: no exe, the interpreter comes from argv[0].
    expect(
      matchesName(
        proc({ name: 'pt_main_thread', args: ['/usr/bin/python3', '/v/bin/vllm', 'serve'] }),
        'vllm',
      ),
    ).toBe('script');
    expect(
      matchesName(
        proc({ exe: '/usr/bin/python3', args: ['python3', 'train.py', '--model', 'vllm'] }),
        'vllm',
      ),
    ).toBeNull();
    expect(matchesName(proc({ exe: '/usr/bin/node', args: ['node', '-m', 'vllm'] }), 'vllm')).toBeNull();
    expect(
      matchesName(proc({ exe: '/usr/bin/python3', args: ['python3', '-m', 'vllmx'] }), 'vllm'),
    ).toBeNull();
  });
});
