/**
 * WebSocket clients in their own process: argv = streamUrl key count. Prints "ready" once all are connected,
 * reads the final head seq on stdin, waits until every client has it, and prints per-client stats as JSON.
 */
import WebSocket from 'ws';

const [url, key, countText] = process.argv.slice(2);
const count = Number(countText);
const stats = Array.from({ length: count }, () => ({ last: 0, count: 0, outOfOrder: 0, gaps: 0 }));
const sockets = await Promise.all(
  stats.map(
    (state) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url, ['doppel', `doppel-key.${key}`]);
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as { type: string; events?: { seq: number }[] };
          if (message.type === 'gap') state.gaps++;
          if (message.type !== 'events' || message.events === undefined) return;
          for (const event of message.events) {
            if (event.seq !== state.last + 1) state.outOfOrder++;
            state.last = event.seq;
            state.count++;
          }
        });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      }),
  ),
);
process.stdout.write('ready\n');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => (input += chunk));
await new Promise((resolve) => process.stdin.once('end', resolve));
const head = Number(input.trim());
const start = Date.now();
while (stats.some((state) => state.last < head) && Date.now() - start < 180_000) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
for (const socket of sockets) socket.close();
process.stdout.write(`${JSON.stringify({ head, waitedMs: Date.now() - start, stats })}\n`);
process.exit(0);
