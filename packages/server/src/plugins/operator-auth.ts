/**
 * The operator token guarding the admin API: `Authorization: Bearer <token>`. The CLI uses it to
 * send changes through a running server instead of opening its locked embedded database.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';

export function createOperatorGuard(operatorToken: string | undefined) {
  const expected = operatorToken === undefined ? undefined : Buffer.from(operatorToken);
  return async function requireOperator(request: FastifyRequest): Promise<void> {
    if (!expected) throw new AppError('ADMIN_API_DISABLED');
    const header = request.headers.authorization ?? '';
    const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new AppError(
        'UNAUTHORIZED',
        'a valid operator token is required (Authorization: Bearer <token>)',
      );
    }
  };
}
