/**
 * Card-use records (用卡数据, B5): append-only, partitioned by month, idempotent on
 * (card, terminal, scene, use time). modules/usage implements the recorder.
 */
import type { DbExecutor } from '../audit/audit.types.js';

export interface CardUseInput {
  /** The card's id in the cards table (uuid). */
  cardId: string;
  ehcId: string;
  orgCode: string;
  /** Conventionally org code + four-digit department code. */
  terminalCode: string;
  /** 用卡环节 (medstepcode). */
  sceneCode: string;
  /** Terminal type / channel code (channelcode). */
  channelCode: string;
  departmentCode?: string;
  /** 用卡费别 */
  costType?: string;
  usedAt: Date;
  /** The app that verified or reported it. */
  appId?: string;
  source: 'verify' | 'report';
}

export interface CardUseRecorder {
  /** Records one use in the caller's transaction; `recorded` is false for a duplicate. */
  record(executor: DbExecutor, input: CardUseInput): Promise<{ recorded: boolean }>;
  /** Records many; returns how many were new. */
  recordBatch(
    executor: DbExecutor,
    inputs: readonly CardUseInput[],
  ): Promise<{ recorded: number; duplicates: number }>;
}
