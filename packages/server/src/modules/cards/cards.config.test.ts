import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

describe('card settings', () => {
  it('defaults temporary cards to 72 hours and families to 8 members', () => {
    const config = loadConfig({}, '/tmp');
    expect(config.cards.temporaryCardTtlHours).toBe(72);
    expect(config.cards.familyMaxMembers).toBe(8);
    const custom = loadConfig({ EHC_TEMPORARY_CARD_TTL_HOURS: '24', EHC_FAMILY_MAX_MEMBERS: '4' }, '/tmp');
    expect(custom.cards).toMatchObject({ temporaryCardTtlHours: 24, familyMaxMembers: 4 });
  });

  it('names both bad settings at once', () => {
    try {
      loadConfig({ EHC_TEMPORARY_CARD_TTL_HOURS: '0', EHC_FAMILY_MAX_MEMBERS: 'eight' }, '/tmp');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.join('\n');
      expect(issues).toMatch(/EHC_TEMPORARY_CARD_TTL_HOURS: must be whole hours from 1 to 8760/);
      expect(issues).toMatch(/EHC_FAMILY_MAX_MEMBERS: must be an integer from 1 to 50/);
    }
  });
});
