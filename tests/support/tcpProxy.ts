import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * What the network between the app and its database does:
 * - `pass`: forwards both ways;
 * - `stop`: the server is gone: new connections are refused (nothing listens), open ones are closed;
 * - `blackhole`: packets vanish: connections are accepted and kept, nothing is forwarded (what is
 *   sent meanwhile is held, as TCP would retransmit it, and delivered if the link comes back);
 * - `reset`: every open connection, and each new one, is destroyed with a TCP RST.
 */
export type ProxyMode = 'pass' | 'stop' | 'blackhole' | 'reset';

export type TcpProxy = Readonly<{
  port: number;
  /** `postgres://…` of the upstream URL with the host and port replaced by the proxy's. */
  url(upstreamUrl: string): string;
  mode(): ProxyMode;
  setMode(mode: ProxyMode): Promise<void>;
  /** Connections accepted so far (the tests check the app came back through new ones). */
  accepted(): number;
  close(): Promise<void>;
}>;

type Pair = { client: Socket; upstream: Socket | undefined; held: { toUpstream: Buffer[]; toClient: Buffer[] } };

/** A TCP proxy on 127.0.0.1 (a free port) to `upstream`, whose faults the test turns on and off. */
export async function startTcpProxy(upstream: Readonly<{ host: string; port: number }>): Promise<TcpProxy> {
  let current: ProxyMode = 'pass';
  let accepted = 0;
  const pairs = new Set<Pair>();

  const connectUpstream = (pair: Pair): void => {
    const socket = connect(upstream.port, upstream.host);
    pair.upstream = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (current === 'blackhole') pair.held.toClient.push(chunk);
      else pair.client.write(chunk);
    });
    socket.on('error', () => pair.client.destroy());
    socket.on('close', () => {
      pair.client.destroy();
      pairs.delete(pair);
    });
    flush(pair);
  };

  const flush = (pair: Pair): void => {
    for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream?.write(chunk);
    for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
  };

  const onConnection = (client: Socket): void => {
    accepted++;
    if (current === 'reset') {
      reset(client);
      return;
    }
    client.setNoDelay(true);
    const pair: Pair = { client, upstream: undefined, held: { toUpstream: [], toClient: [] } };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (current === 'blackhole' || !pair.upstream) pair.held.toUpstream.push(chunk);
      else pair.upstream.write(chunk);
    });
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    // In a black hole even the handshake to the server waits for the link to come back.
    if (current === 'pass') connectUpstream(pair);
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  // Stops accepting at once; the connections already closed need not finish closing first.
  const stopListening = (): void => void server.close();
  const port = await listen(0);
  let listening = true;

  return {
    port,
    url(upstreamUrl) {
      const url = new URL(upstreamUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    mode: () => current,
    async setMode(mode) {
      const previous = current;
      current = mode;
      if (mode === 'stop' || mode === 'reset') {
        for (const pair of [...pairs]) {
          if (mode === 'reset') {
            reset(pair.client);
            if (pair.upstream) reset(pair.upstream);
          } else {
            pair.client.end();
            pair.upstream?.end();
          }
          pairs.delete(pair);
        }
      }
      if (mode === 'stop' && listening) {
        listening = false;
        stopListening();
      }
      if (mode !== 'stop' && !listening) {
        server = createServer(onConnection);
        await listen(port);
        listening = true;
      }
      if (mode === 'pass' && previous === 'blackhole') {
        for (const pair of pairs) {
          if (pair.upstream) flush(pair);
          else connectUpstream(pair);
        }
      }
    },
    accepted: () => accepted,
    close() {
      current = 'stop';
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
      if (listening) {
        listening = false;
        stopListening();
      }
      return Promise.resolve();
    },
  };
}

function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    // Not connected yet (no handle to reset): a plain destroy is all there is.
    socket.destroy();
  }
}
