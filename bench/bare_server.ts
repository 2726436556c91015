import { createServer } from 'node:http';

/**
 * The benchmark's ceiling: a bare Node HTTP server that only reads and `JSON.parse`s each body, then
 * answers 200. kongtel's http-log ingest is measured against it with the same load generator.
 * Usage: node dist/bench/bare_server.js PORT
 */
const port = Number(process.argv[2] ?? 0);
let entries = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    entries += Array.isArray(body) ? body.length : 1;
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`entries ${entries}\n`);
  server.close();
  server.closeAllConnections();
});
