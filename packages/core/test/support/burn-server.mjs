// A stand-in for a local model server, run as a child process by the attach tests: an HTTP server
// whose process is named by argv[2] (its `comm`), answering
//   GET /cpu                 { cpu_seconds }: its own process CPU time (getrusage) now
//   GET /work?ms=N&mib=M     burns N ms of process CPU while it holds M MiB of touched memory;
//                            answers { burned_seconds, rss_held, hwm } (RSS while held, VmHWM after)
//   GET /v1/models, POST /v1/chat/completions   an OpenAI-compatible model `burn` whose every
//                            completion burns 200 ms of process CPU, then streams one chunk "x"
//                            and the usage (1 prompt token, 1 completion token)
// and printing one line `{"pid":…,"port":…}` when it listens.
import { readFileSync } from 'node:fs';
import http from 'node:http';

if (process.argv[2]) process.title = process.argv[2];
const MiB = 1024 * 1024;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const hwm = () =>
  Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let answer;
  if (url.pathname === '/cpu') {
    answer = { cpu_seconds: cpu() };
  } else if (url.pathname === '/work') {
    const seconds = Number(url.searchParams.get('ms') ?? 0) / 1000;
    const start = cpu();
    let held = Buffer.alloc(Number(url.searchParams.get('mib') ?? 0) * MiB, 1); // touches every page
    const rssHeld = process.memoryUsage().rss;
    while (cpu() - start < seconds) {}
    answer = { burned_seconds: cpu() - start, rss_held: rssHeld, hwm: hwm(), bytes: held.length };
    held = null;
  } else if (url.pathname === '/v1/models') {
    answer = { object: 'list', data: [{ id: 'burn', object: 'model', created: 0, owned_by: 'llmmon' }] };
  } else if (url.pathname === '/v1/chat/completions') {
    req.resume().on('end', () => {
      const start = cpu();
      while (cpu() - start < 0.2) {}
      const chunk = (delta, extra = {}) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'burn', choices: delta ? [{ index: 0, delta, finish_reason: null }] : [], ...extra })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'close' });
      res.write(chunk({ role: 'assistant', content: 'x' }));
      res.end(
        `${chunk(null, { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}data: [DONE]\n\n`,
      );
    });
    return;
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(answer));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, port: server.address().port })}\n`);
});
