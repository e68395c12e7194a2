// The baseline of the HTTP benchmarks: a bare Fastify route answering {"ok":true}, measured in
// the same run and with the same load as the platform's routes.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/ok', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on http://127.0.0.1:${app.server.address().port}\n`);
