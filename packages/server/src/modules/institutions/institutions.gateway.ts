/**
 * The institution methods of the `ehc.*` gateway: ehc.ehealthcode.addorg, updateorg, queryorg.
 * biz_content fields: orgname, orgcode, orgproperty (type), orgaddr (GB/T 2260 region),
 * orglevel, valid (`1` valid, `0` invalid).
 */
import { AppError } from '../../lib/errors.js';
import { bizString, type GatewayRegistry } from '../gateway/gateway.registry.js';
import type { InstitutionsService, OrgView } from './institutions.service.js';

function validFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === '1') return true;
  if (value === '0') return false;
  throw new AppError(
    'GATEWAY_BIZ_CONTENT_INVALID',
    'biz_content.valid must be "1" (valid) or "0" (invalid)',
    {
      issues: [{ path: '/biz_content/valid', message: 'must be "1" or "0"' }],
    },
  );
}

function orgFields(org: OrgView) {
  return {
    orgcode: org.orgCode,
    orgname: org.name,
    orgproperty: org.type ?? '',
    orgaddr: org.region,
    orglevel: org.level ?? '',
    valid: org.valid ? '1' : '0',
  };
}

export function registerInstitutionGatewayMethods(
  registry: GatewayRegistry,
  service: InstitutionsService,
): void {
  registry.registerGatewayMethod({
    method: 'ehc.ehealthcode.addorg',
    scope: 'admin',
    async handler(biz, { principal }) {
      const org = await service.createOrg(
        { kind: 'app', principal },
        {
          orgCode: bizString(biz, 'orgcode') as string,
          name: bizString(biz, 'orgname') as string,
          region: bizString(biz, 'orgaddr') as string,
          level: bizString(biz, 'orglevel', { optional: true }),
          type: bizString(biz, 'orgproperty', { optional: true }),
          valid: validFlag(bizString(biz, 'valid', { optional: true })),
        },
      );
      return { result: 'success', ...orgFields(org) };
    },
  });

  registry.registerGatewayMethod({
    method: 'ehc.ehealthcode.updateorg',
    scope: 'admin',
    async handler(biz, { principal }) {
      const patch = {
        name: bizString(biz, 'orgname', { optional: true }),
        region: bizString(biz, 'orgaddr', { optional: true }),
        level: bizString(biz, 'orglevel', { optional: true }),
        type: bizString(biz, 'orgproperty', { optional: true }),
        valid: validFlag(bizString(biz, 'valid', { optional: true })),
      };
      const org = await service.updateOrg(
        { kind: 'app', principal },
        bizString(biz, 'orgcode') as string,
        patch,
      );
      return { result: 'success', ...orgFields(org) };
    },
  });

  registry.registerGatewayMethod({
    method: 'ehc.ehealthcode.queryorg',
    scope: 'query',
    async handler(biz, { principal }) {
      return orgFields(await service.getOrg({ kind: 'app', principal }, bizString(biz, 'orgcode') as string));
    },
  });
}
