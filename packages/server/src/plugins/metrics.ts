/**
 * Prometheus metrics: a registry per app (no global state, so tests and several apps in one
 * process do not collide), Node's default metrics, and a request histogram by route.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Adds a gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
}

export function registerMetrics(app: FastifyInstance): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'ehc' });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const duration = new Histogram({
    name: 'ehc_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'ehc_http_errors_total',
    help: 'HTTP responses with status >= 500',
    labelNames: ['route'] as const,
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: bounded label cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500) errors.inc({ route });
  });

  return {
    registry,
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}
