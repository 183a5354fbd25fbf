import { describe, expect, it } from 'vitest';
import { listeningInodes } from './find-linux.js';

// Rows as the kernel writes /proc/net/tcp and tcp6 (net/ipv4/tcp_ipv4.c get_tcp4_sock,
// net/ipv6/tcp_ipv6.c get_tcp6_sock): local and remote address as hex IP:port, state 0A = LISTEN.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   2: 0100007F:2CAA 0100007F:D3E2 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:9C40 0100007F:2CAA 06 00000000:00000000 03:00000DA4 00000000     0        0 0 3 0000000000000000`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2CAA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0`;

describe('listeningInodes', () => {
  it('takes the inodes of listening sockets on the port, not connections to it or from it', () => {
    expect(listeningInodes(TCP, 0x2caa)).toEqual(['31337']);
    expect(listeningInodes(TCP, 8080)).toEqual(['4242']);
    expect(listeningInodes(TCP6, 11434)).toEqual(['777']);
    expect(listeningInodes(TCP, 40000)).toEqual([]); // a TIME_WAIT row (inode 0), not listening
    expect(listeningInodes('', 80)).toEqual([]);
  });
});
