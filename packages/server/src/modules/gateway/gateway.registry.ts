/**
 * The methods the `ehc.*` gateway knows. Each module registers its own with
 * `app.registerGatewayMethod({ method, scope, handler })` after `registerGateway` ran in app.ts.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import type { AppPrincipal } from '../institutions/institutions.service.js';
import type { AppScope } from '../institutions/institutions.tables.js';

export interface GatewayMethodContext {
  /** The authenticated application. */
  principal: AppPrincipal;
  /** `term_id` of the envelope, when sent. */
  termId: string | undefined;
  request: FastifyRequest;
}

export interface GatewayMethod {
  /** e.g. `ehc.ehealthcode.verify`. */
  method: string;
  /** The scope an application needs to call it. */
  scope: AppScope;
  /**
   * Receives the decrypted biz_content object; returns the response biz_content (encrypted by the
   * gateway). Throw AppError for a failure: its code becomes `sub_code`.
   */
  handler(bizContent: Record<string, unknown>, context: GatewayMethodContext): Promise<unknown>;
}

export interface GatewayRegistry {
  registerGatewayMethod(definition: GatewayMethod): void;
  find(method: string): GatewayMethod | undefined;
  methods(): string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a method to the `ehc.*` gateway (EHC-FORMATS §4). */
    registerGatewayMethod(definition: GatewayMethod): void;
  }
}

export function createGatewayRegistry(): GatewayRegistry {
  const methods = new Map<string, GatewayMethod>();
  return {
    registerGatewayMethod(definition) {
      if (!/^ehc\.[a-z]+\.[a-z]+$/.test(definition.method)) {
        throw new TypeError(`gateway method name "${definition.method}" must look like ehc.<group>.<name>`);
      }
      if (methods.has(definition.method)) {
        throw new TypeError(`gateway method ${definition.method} is registered twice`);
      }
      methods.set(definition.method, definition);
    },
    find: (method) => methods.get(method),
    methods: () => [...methods.keys()].sort(),
  };
}

/** Reads a string field of biz_content, or fails with GATEWAY_BIZ_CONTENT_INVALID naming it. */
export function bizString(
  biz: Record<string, unknown>,
  field: string,
  options: { optional?: boolean } = {},
): string | undefined {
  const value = biz[field];
  if (value === undefined || value === null || value === '') {
    if (options.optional) return undefined;
    throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', `biz_content.${field} is required`, {
      issues: [{ path: `/biz_content/${field}`, message: 'required' }],
    });
  }
  if (typeof value !== 'string') {
    throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', `biz_content.${field} must be a string`, {
      issues: [{ path: `/biz_content/${field}`, message: 'must be a string' }],
    });
  }
  return value;
}
