// The LLM gateway's calls (LlmCall on botsky.outcomes.llm): who called which model, the tokens and
// USD charged, how long it took, how it ended. The dashboards' spend per builder and model read
// it. Only ids and figures: no prompt, no answer, no key.
import type { Migration } from './migration.ts';

export const llmCalls: Migration = {
  version: 10,
  name: 'llm-calls',
  statements: (db) => [
    `CREATE TABLE IF NOT EXISTS ${db}.llm_calls
    (
      call_id String,
      key_id String,
      builder LowCardinality(String),
      model LowCardinality(String),
      provider LowCardinality(String),
      prompt_tokens UInt64,
      completion_tokens UInt64,
      cost_usd Float64,
      latency_ms UInt32,
      outcome LowCardinality(String),
      streamed UInt8,
      at DateTime64(3, 'UTC'),
      key_spend_cap_usd Float64,
      key_spent_usd Float64
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(at)
    ORDER BY (builder, model, call_id)
    SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
