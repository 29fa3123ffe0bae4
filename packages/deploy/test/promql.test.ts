// The PromQL and macro readers the dashboard checks rely on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandClickHouseMacros, exposedMetricNames, promMetricNames } from '../src/index.ts';

test('promMetricNames finds metrics, not functions, labels or keywords', () => {
  assert.deepEqual(promMetricNames('sum by (service) (rate(process_cpu_seconds_total{service=~"$service"}[$__rate_interval]))'), [
    'process_cpu_seconds_total',
  ]);
  assert.deepEqual(promMetricNames('a_total / on(pod) group_left(node) b_info or vector(0)'), ['a_total', 'b_info']);
  assert.deepEqual(promMetricNames('label_values(botsky_ready, service)'), ['botsky_ready']);
});

test('exposedMetricNames reads samples and declared families, histogram series included', () => {
  const text = '# HELP x_seconds x\n# TYPE x_seconds histogram\n# TYPE g gauge\ng 1\nup 1\n';
  assert.deepEqual([...exposedMetricNames(text)].sort(), ['g', 'up', 'x_seconds_bucket', 'x_seconds_count', 'x_seconds_sum']);
});

test('expandClickHouseMacros expands time macros and variables, and refuses unknown ones', () => {
  const ctx = { from: new Date(0), to: new Date(60_000), intervalSeconds: 30, variables: { bot: ['a', "b'c"], method: 'bt' } };
  assert.equal(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var:format} macro, not a template
    expandClickHouseMacros("SELECT $__timeInterval(t) FROM x WHERE $__timeFilter(t) AND b IN (${bot:singlequote}) AND m = '$method'", ctx),
    "SELECT toStartOfInterval(toDateTime(t), INTERVAL 30 second) FROM x WHERE t >= toDateTime(0) AND t <= toDateTime(60) AND b IN ('a','b\\'c') AND m = 'bt'",
  );
  assert.throws(() => expandClickHouseMacros('SELECT $__unknown', ctx), /unknown variable or macro/);
});
