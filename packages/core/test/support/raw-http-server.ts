/**
 * A minimal HTTP/1.1 server on a raw TCP socket, so that the bytes of each request and response
 * are known exactly: it counts what it reads for each request and answers with a fixed response
 * whose length it reports. Keep-alive, Content-Length bodies only.
 */
import net from 'node:net';

export interface RawServer {
  url: string;
  /** Bytes received per request path (request line + headers + body). */
  received: Map<string, number>;
  /** The bytes of a response for `path` (status line + headers + body). */
  responseFor(path: string): Buffer;
  connections: number;
  close(): Promise<void>;
}

export async function startRawServer(bodySize = 5000): Promise<RawServer> {
  const received = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const responseFor = (path: string) => {
    const body = `${path}:`.padEnd(bodySize, 'y');
    return Buffer.from(
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`,
    );
  };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        const total = end + 4 + length;
        if (buffer.length < total) return;
        const path = head.split(' ')[1]!;
        received.set(path, total);
        buffer = buffer.subarray(total);
        socket.write(responseFor(path));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const state: RawServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    responseFor,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}
