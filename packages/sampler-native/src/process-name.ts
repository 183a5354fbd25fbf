/** A row of the process table, as each platform's reader gives it. */
export interface ProcessEntry {
  pid: number;
  /** Linux `comm` (the kernel keeps 15 bytes), macOS `p_comm`. */
  name: string;
  exe: string | null;
  args: string[] | null;
  uid: number | null;
}

/** The kernel keeps a process name in 16 bytes with the NUL (Linux TASK_COMM_LEN). */
const COMM_BYTES = 15;

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
/** An executable path as the kernel shows it after the file was replaced: `/usr/bin/x (deleted)`. */
const exeName = (exe: string) => basename(exe.replace(/ \(deleted\)$/, ''));
const isPython = (file: string) => /^python[0-9.]*$/.test(file);

/**
 * The script or module a Python command line runs: `python -m vllm.entrypoints.openai.api_server`
 * → `vllm.entrypoints.openai.api_server`, `python3 /venv/bin/vllm serve m` → `vllm`. Options
 * before it (`-u`, `-X dev`, `-W x`) are skipped; `-c` runs no script.
 */
export function pythonProgram(args: string[]): string | null {
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-m') return args[i + 1] ?? null;
    if (a.startsWith('-m') && a.length > 2) return a.slice(2);
    if (a === '-c' || a === '-') return null;
    if (a === '-X' || a === '-W' || a === '--check-hash-based-pycs') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return basename(a).replace(/\.pyw?$/, '');
  }
  return null;
}

/**
 * How `p` matches the name `name`, or null: its process name (or the first 15 bytes of `name`, as
 * the kernel truncates it), its executable's file name, or, for a Python interpreter, the script
 * or module it runs (`vllm`, or a module under the `vllm.` package).
 */
export function matchesName(p: ProcessEntry, name: string): 'name' | 'exe' | 'script' | null {
  const truncated = Buffer.from(name).subarray(0, COMM_BYTES).toString();
  if (p.name === name || (name.length > COMM_BYTES && p.name === truncated)) return 'name';
  if (p.exe && exeName(p.exe) === name) return 'exe';
  const interpreter = p.exe ? exeName(p.exe) : p.args?.[0] ? basename(p.args[0]) : p.name;
  if (p.args && isPython(interpreter)) {
    const program = pythonProgram(p.args);
    if (program && (program === name || program.startsWith(`${name}.`))) return 'script';
  }
  return null;
}
